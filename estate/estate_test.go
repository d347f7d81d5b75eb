package estate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lbconf/lbconf/cdsapi"
	"github.com/lbconf/lbconf/cdsapi/fakecds"
	lbconfig "github.com/lbconf/lbconf/config"
	"github.com/lbconf/lbconf/deploy"
	"github.com/lbconf/lbconf/estate"
	"github.com/lbconf/lbconf/estate/estatetest"
	"github.com/lbconf/lbconf/finding"
	"github.com/lbconf/lbconf/model"
)

const estateSize = 50

// imported is an estate imported into a temporary repository.
type imported struct {
	*estatetest.Env
	dir, config string
}

func importEstate(t *testing.T, n int, fo fakecds.Options) *imported {
	t.Helper()
	env := estatetest.New(t, n, fo)
	dir := t.TempDir()
	im := &imported{Env: env, dir: dir, config: filepath.Join(dir, lbconfig.FileName)}
	res, err := estate.Import(t.Context(), env.Client, im.config, filepath.Join(dir, "lb"), estate.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Written) != n || len(res.Added) != n || !res.ManifestWritten {
		t.Fatalf("import wrote %d files, added %d entries, manifest written %v; want %d, %d, true", len(res.Written), len(res.Added), res.ManifestWritten, n, n)
	}
	return im
}

func (im *imported) manifest(t *testing.T) *estate.Manifest {
	t.Helper()
	m, err := loadManifest(im.config)
	if err != nil {
		t.Fatal(err)
	}
	if fs := estate.Check(m); len(fs) > 0 {
		t.Fatalf("manifest findings: %v", fs)
	}
	return m
}

func (im *imported) plan(t *testing.T, concurrency int) *estate.Plan {
	t.Helper()
	return estate.MakePlan(t.Context(), im.manifest(t), im.Clients, estate.PlanOptions{Concurrency: concurrency})
}

// file is the path of instance i's file.
func (im *imported) file(i int) string {
	ext := ".json"
	if estatetest.Custom(i) {
		ext = ".cfg"
	}
	return filepath.Join(im.dir, "lb", estatetest.Name(i)+ext)
}

// edit changes the weight of instance i's first server in its file.
func (im *imported) edit(t *testing.T, i int) {
	t.Helper()
	old, new := `"Weight": "10"`, `"Weight": "30"`
	if estatetest.Custom(i) {
		old, new = "weight 10 check", "weight 30 check"
	}
	data, err := os.ReadFile(im.file(i))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("%s has no %s:\n%s", im.file(i), old, data)
	}
	if err := os.WriteFile(im.file(i), bytes.Replace(data, []byte(old), []byte(new), 1), 0o600); err != nil {
		t.Fatal(err)
	}
}

func changed(p *estate.Plan) []string {
	var out []string
	for _, ip := range p.Instances {
		if ip.Change != estate.ChangeNone {
			out = append(out, ip.UUID+" "+string(ip.Change))
		}
	}
	return out
}

func uuids(is ...int) []string {
	var out []string
	for _, i := range is {
		out = append(out, estatetest.UUID(i))
	}
	return out
}

// The whole round: import, no changes, three edits, apply with one instance
// changed behind the plan's back.
func TestEstateRoundTrip(t *testing.T) {
	// Latency makes requests overlap when they can.
	im := importEstate(t, estateSize, fakecds.Options{Latency: 10 * time.Millisecond})

	// A second import changes nothing.
	before := snapshot(t, im.dir)
	res, err := estate.Import(t.Context(), im.Client, im.config, filepath.Join(im.dir, "lb"), estate.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Written) != 0 || res.ManifestWritten || res.Unchanged != estateSize {
		t.Errorf("second import: %+v", res)
	}
	if after := snapshot(t, im.dir); !maps(before, after) {
		t.Error("the second import changed files")
	}

	// No changes, with at most 4 requests in flight.
	im.Server.ResetRequests()
	p := im.plan(t, 4)
	if c := changed(p); len(c) != 0 || p.ExitCode() != estate.ExitNoChanges {
		t.Fatalf("plan after import: exit %d, changes %v", p.ExitCode(), c)
	}
	if got := im.Server.MaxInFlight(); got > 4 || got < 2 {
		t.Errorf("%d requests in flight at most, want 2 to 4", got)
	}
	if got := len(im.Server.Requests()); got != 2*estateSize {
		t.Errorf("plan sent %d requests, want %d (two per instance)", got, 2*estateSize)
	}

	// Three edits, both modes: exactly those.
	im.edit(t, 4)
	im.edit(t, 7)
	im.edit(t, 10)
	p = im.plan(t, 8)
	want := []string{estatetest.UUID(4) + " update", estatetest.UUID(7) + " update", estatetest.UUID(10) + " update"}
	if c := changed(p); !slices.Equal(c, want) || p.ExitCode() != estate.ExitChanges {
		t.Fatalf("plan after three edits: exit %d, changes %v, want %v", p.ExitCode(), c, want)
	}
	for _, ip := range p.Instances {
		if ip.Changed() && (ip.Counts != estate.Counts{Changed: 1}) {
			t.Errorf("%s: counts %+v, want one change (the weight)", ip.UUID, ip.Counts)
		}
		if ip.UUID == estatetest.UUID(7) && !strings.Contains(ip.Unified, "-    server s10.1.8.5:8080 10.1.8.5:8080 maxconn 100 weight 10 check\n+    server s10.1.8.5:8080 10.1.8.5:8080 maxconn 100 weight 30 check") {
			t.Errorf("unified diff of the config:\n%s", ip.Unified)
		}
	}

	// Saved, then instance 7 changes behind the plan's back.
	planFile := filepath.Join(im.dir, "plan.json")
	if err := estate.SavePlan(planFile, p); err != nil {
		t.Fatal(err)
	}
	saved, err := estate.ReadPlan(planFile)
	if err != nil {
		t.Fatal(err)
	}
	sneaky := estatetest.Config(7) + "# changed in the console\n"
	im.Server.SetInstanceState(estatetest.UUID(7), nil, sneaky)

	var progress []string
	rep := estate.Apply(t.Context(), im.manifest(t), saved, im.Clients, estate.ApplyOptions{
		BackupRoot: filepath.Join(im.dir, "backups"), SkipCheck: true, Wait: true, PollInterval: deploy.MinPollInterval,
		Progress: func(r estate.InstanceResult, done, total int) {
			progress = append(progress, estate.ProgressLine(r, done, total))
		},
	})
	outcomes := map[string]estate.Outcome{}
	for _, r := range rep.Results {
		outcomes[r.UUID] = r.Outcome
	}
	wantOutcomes := map[string]estate.Outcome{estatetest.UUID(4): estate.OutcomeApplied, estatetest.UUID(7): estate.OutcomeRefused, estatetest.UUID(10): estate.OutcomeApplied}
	if !mapsEqual(outcomes, wantOutcomes) || rep.ExitCode() != estate.ExitRefused {
		t.Fatalf("apply: exit %d, outcomes %v, want %v", rep.ExitCode(), outcomes, wantOutcomes)
	}
	if len(progress) != 3 {
		t.Errorf("progress lines: %q", progress)
	}
	if got, _ := im.Server.CustomConfig(estatetest.UUID(7)); got != sneaky {
		t.Error("instance 7 was changed although it was refused")
	}
	if n := len(im.Server.RequestsFor(cdsapi.ActionModifyHaproxyCustomConfig)) + len(im.Server.RequestsFor(cdsapi.ActionModifyLoadBalancerStrategys)); n != 2 {
		t.Errorf("%d changes sent, want 2", n)
	}
	for _, i := range []int{4, 10} {
		got, _ := im.Server.Strategies(estatetest.UUID(i))
		data, _ := os.ReadFile(im.file(i))
		doc, err := model.Decode("x.json", data)
		if err != nil {
			t.Fatal(err)
		}
		want := doc.Listeners
		want.Normalize()
		got.Normalize()
		if !bytes.Equal(model.MarshalIndent(&got), model.MarshalIndent(&want)) {
			t.Errorf("instance %d does not run its file", i)
		}
		r := rep.Results[slices.IndexFunc(rep.Results, func(r estate.InstanceResult) bool { return r.UUID == estatetest.UUID(i) })]
		if _, err := os.Stat(r.Backup.Strategies); err != nil || !r.Sent {
			t.Errorf("instance %d: sent %v, backup %q: %v", i, r.Sent, r.Backup.Strategies, err)
		}
	}
	var out strings.Builder
	estate.WriteApply(&out, rep)
	if !strings.Contains(out.String(), "instance "+estatetest.UUID(7)+" changed since the plan") {
		t.Errorf("the report does not say why instance 7 was refused:\n%s", out.String())
	}

	// Now only instance 7 differs from the repository: its file was not
	// applied, and the instance has the console's change.
	if c := changed(im.plan(t, 8)); !slices.Equal(c, []string{estatetest.UUID(7) + " update"}) {
		t.Errorf("plan after apply: %v", c)
	}
}

// Faults on some instances: every other instance is applied, and the
// report says exactly what happened to each.
func TestApplyWithFaults(t *testing.T) {
	im := importEstate(t, estateSize, fakecds.Options{Latency: 5 * time.Millisecond})
	edited := []int{2, 3, 4, 5, 6, 7, 8, 9, 20, 21, 30, 31}
	for _, i := range edited {
		im.edit(t, i)
	}
	modify := func(i int) string {
		if estatetest.Custom(i) {
			return cdsapi.ActionModifyHaproxyCustomConfig
		}
		return cdsapi.ActionModifyLoadBalancerStrategys
	}
	im.Server.InjectInstanceFault(estatetest.UUID(2), modify(2), fakecds.Fault{Kind: fakecds.FaultInternalError})
	im.Server.InjectInstanceFault(estatetest.UUID(3), modify(3), fakecds.Fault{Kind: fakecds.FaultResourceInUse})
	im.Server.InjectInstanceFault(estatetest.UUID(4), modify(4), fakecds.Fault{Kind: fakecds.FaultCutAfterApply})
	im.Server.InjectInstanceFault(estatetest.UUID(5), modify(5), fakecds.Fault{Kind: fakecds.FaultSlow, Delay: 300 * time.Millisecond})
	// A read that fails twice is retried.
	im.Server.InjectInstanceFault(estatetest.UUID(6), cdsapi.ActionDescribeLoadBalancerStrategys, fakecds.Fault{Kind: fakecds.FaultInternalError, Times: 2})

	p := im.plan(t, 8)
	if len(changed(p)) != len(edited) {
		t.Fatalf("plan: %v", changed(p))
	}
	im.Server.ResetRequests()
	rep := estate.Apply(t.Context(), im.manifest(t), p, im.Clients, estate.ApplyOptions{
		Concurrency: 5, KeepGoing: true, SkipCheck: true, BackupRoot: filepath.Join(im.dir, "backups"),
	})
	if got := im.Server.MaxInFlight(); got > 5 || got < 2 {
		t.Errorf("%d requests in flight at most, want 2 to 5 (the cap)", got)
	}
	want := map[string]estate.Outcome{
		estatetest.UUID(2): estate.OutcomeFailed,
		estatetest.UUID(3): estate.OutcomeFailed,
		estatetest.UUID(4): estate.OutcomeUnknown,
	}
	for _, i := range edited {
		if _, ok := want[estatetest.UUID(i)]; !ok {
			want[estatetest.UUID(i)] = estate.OutcomeSent
		}
	}
	got := map[string]estate.Outcome{}
	for _, r := range rep.Results {
		got[r.UUID] = r.Outcome
		if r.Backup.Config == "" || r.Backup.Strategies == "" {
			t.Errorf("%s: no backup: %+v", r.UUID, r.Backup)
		}
		if r.Outcome != estate.OutcomeSent && r.Detail == "" {
			t.Errorf("%s: %s without a reason", r.UUID, r.Outcome)
		}
	}
	if !mapsEqual(got, want) || rep.ExitCode() != estate.ExitFailed {
		t.Errorf("exit %d, outcomes\n%v\nwant\n%v", rep.ExitCode(), got, want)
	}
	// Each change was sent exactly once: no write was resent.
	for _, i := range edited {
		n := 0
		for _, r := range im.Server.RequestsFor(modify(i)) {
			if bytes.Contains(r.Body, []byte(estatetest.UUID(i))) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("instance %d: %d sends, want 1", i, n)
		}
	}
	var out strings.Builder
	estate.WriteApply(&out, rep)
	for _, s := range []string{"may have been applied", "the API failed", "busy", "9 sent, 0 unchanged, 0 refused, 2 failed, 1 unknown"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("report lacks %q:\n%s", s, out.String())
		}
	}
}

// Without KeepGoing no instance starts after the first failure.
func TestApplyStopsAtFirstFailure(t *testing.T) {
	im := importEstate(t, 10, fakecds.Options{})
	for _, i := range []int{0, 2, 4} {
		im.edit(t, i)
	}
	im.Server.InjectInstanceFault(estatetest.UUID(0), cdsapi.ActionModifyLoadBalancerStrategys, fakecds.Fault{Kind: fakecds.FaultInternalError})
	rep := estate.Apply(t.Context(), im.manifest(t), im.plan(t, 1), im.Clients, estate.ApplyOptions{Concurrency: 1, SkipCheck: true, BackupRoot: t.TempDir()})
	var got []estate.Outcome
	for _, r := range rep.Results {
		got = append(got, r.Outcome)
	}
	if want := []estate.Outcome{estate.OutcomeFailed, estate.OutcomeSkipped, estate.OutcomeSkipped}; !slices.Equal(got, want) {
		t.Errorf("outcomes %v, want %v", got, want)
	}
	if n := len(im.Server.RequestsFor(cdsapi.ActionModifyLoadBalancerStrategys)); n != 1 {
		t.Errorf("%d sends, want 1", n)
	}
}

// An apply interrupted while a change is on its way says, per instance,
// what was sent and where the backup is.
func TestApplyInterrupted(t *testing.T) {
	im := importEstate(t, 6, fakecds.Options{})
	for _, i := range []int{0, 1, 2, 3} {
		im.edit(t, i)
	}
	p := im.plan(t, 2)
	im.Server.InjectInstanceFault(estatetest.UUID(1), cdsapi.ActionModifyHaproxyCustomConfig, fakecds.Fault{Kind: fakecds.FaultSlow, Delay: 5 * time.Second})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	rep := estate.Apply(ctx, im.manifest(t), p, im.Clients, estate.ApplyOptions{Concurrency: 2, SkipCheck: true, BackupRoot: t.TempDir(),
		Progress: func(r estate.InstanceResult, done, total int) {
			if r.UUID == estatetest.UUID(0) {
				time.AfterFunc(200*time.Millisecond, cancel)
			}
		}})
	if !rep.Interrupted || rep.ExitCode() != estate.ExitInterrupted {
		t.Fatalf("interrupted %v, exit %d", rep.Interrupted, rep.ExitCode())
	}
	var out strings.Builder
	estate.WriteApply(&out, rep)
	r1 := rep.Results[1]
	if r1.Outcome != estate.OutcomeUnknown || r1.Backup.Config == "" || !strings.Contains(r1.Detail, r1.Backup.Config) {
		t.Errorf("instance 1 (cut while sending): %+v", r1)
	}
	if rep.Results[0].Outcome != estate.OutcomeSent {
		t.Errorf("instance 0: %+v", rep.Results[0])
	}
	if !strings.Contains(out.String(), "interrupted") {
		t.Errorf("report:\n%s", out.String())
	}
}

// Import selects by tag and by name.
func TestImportSelects(t *testing.T) {
	env := estatetest.New(t, 12, fakecds.Options{})
	dir := t.TempDir()
	cfg := filepath.Join(dir, lbconfig.FileName)
	// The rest of the configuration file is not the manifest's: kept.
	other := "target: \"2.6\" # the team's target\ndisable: [listener-name]\n"
	if err := os.WriteFile(cfg, []byte(other), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := estate.Import(t.Context(), env.Client, cfg, filepath.Join(dir, "lb"),
		estate.ImportOptions{Tag: "prod", NameMatch: regexp.MustCompile(`^lb-00[0-6]$`)})
	if err != nil {
		t.Fatal(err)
	}
	if want := uuids(0, 3, 6); !slices.Equal(res.Added, want) {
		t.Errorf("added %v, want %v", res.Added, want)
	}
	if got := env.Server.RequestsFor(cdsapi.ActionDescribeLoadBalancers)[0].Params.Get("TagName"); got != "prod" {
		t.Errorf("TagName sent: %q", got)
	}
	// The rest joins on a second run without a filter; the first three keep
	// their entries.
	res, err = estate.Import(t.Context(), env.Client, cfg, filepath.Join(dir, "lb"), estate.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Added) != 9 || len(res.Written) != 9 || res.Unchanged != 3 {
		t.Errorf("second import: %+v", res)
	}
	m, err := loadManifest(cfg)
	if err != nil || len(m.Instances) != 12 {
		t.Fatalf("%v, %d entries", err, len(m.Instances))
	}
	if data, _ := os.ReadFile(cfg); !strings.HasPrefix(string(data), other+"instances:\n") {
		t.Errorf("the rest of the configuration file changed:\n%s", data)
	}
}

// An instance that switched mode gets a new file in its new mode.
func TestImportModeSwitch(t *testing.T) {
	im := importEstate(t, 2, fakecds.Options{})
	l := estatetest.Listeners(1)
	im.Server.SetInstanceState(estatetest.UUID(1), &l, "")
	res, err := estate.Import(t.Context(), im.Client, im.config, filepath.Join(im.dir, "lb"), estate.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Switched, uuids(1)) || !res.ManifestWritten {
		t.Fatalf("%+v", res)
	}
	m := im.manifest(t)
	if e := m.Instances[1]; e.Mode != estate.ModeBasic || e.File != "lb/lb-001.json" {
		t.Errorf("entry: %+v", e)
	}
	if c := changed(im.plan(t, 2)); len(c) != 0 {
		t.Errorf("plan: %v", c)
	}
}

// A plan read back from JSON equals the plan.
func TestPlanJSONRoundTrip(t *testing.T) {
	im := importEstate(t, 4, fakecds.Options{})
	im.edit(t, 1)
	p := im.plan(t, 2)
	var b bytes.Buffer
	if err := estate.WritePlan(&b, p, "json"); err != nil {
		t.Fatal(err)
	}
	var back estate.Plan
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Instances[1].LiveFingerprint != p.Instances[1].LiveFingerprint || back.Summary != p.Summary {
		t.Error("the JSON plan lost fingerprints or counts")
	}
	b.Reset()
	estate.WritePlan(&b, p, "markdown")
	for _, s := range []string{"| instance | name | mode | change |", "| **update** |", "<details><summary><code>" + estatetest.UUID(1), "```diff\n"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("markdown lacks %q:\n%s", s, b.String())
		}
	}
}

// A plan never shows a password (plans go to pull requests and job
// summaries): a stats auth line added to a custom config is masked in the
// unified and the semantic diff, in every format, and a change of the
// password alone is said without it.
func TestPlanMasksSecrets(t *testing.T) {
	im := importEstate(t, 2, fakecds.Options{})
	setAuth := func(pass string) {
		t.Helper()
		data, err := os.ReadFile(im.file(1))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitAfter(string(data), "\n")
		for i, l := range lines {
			if strings.HasPrefix(strings.TrimSpace(l), "stats auth ") {
				lines = append(lines[:i], lines[i+1:]...)
				break
			}
		}
		text := strings.Replace(strings.Join(lines, ""), "listen status\n", "listen status\n    stats auth admin:"+pass+"\n", 1)
		if !strings.Contains(text, pass) {
			t.Fatalf("%s has no listen status:\n%s", im.file(1), data)
		}
		if err := os.WriteFile(im.file(1), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	check := func(p *estate.Plan, want string) {
		t.Helper()
		for _, format := range []string{"text", "markdown", "json"} {
			var b bytes.Buffer
			if err := estate.WritePlan(&b, p, format); err != nil {
				t.Fatal(err)
			}
			shown := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">").Replace(b.String()) // JSON escapes < and >
			if strings.Contains(shown, "Plan-Secret") || !strings.Contains(shown, want) {
				t.Errorf("%s plan: want %q and no password:\n%s", format, want, b.String())
			}
		}
	}
	setAuth("Plan-Secret-1")
	check(im.plan(t, 2), "admin:<hidden>")

	// The instance takes the config with the password; then only the
	// password changes in the repository.
	data, err := os.ReadFile(im.file(1))
	if err != nil {
		t.Fatal(err)
	}
	if !im.Server.SetInstanceState(estatetest.UUID(1), nil, string(data)) {
		t.Fatal("no instance 1")
	}
	setAuth("Plan-Secret-2")
	check(im.plan(t, 2), "differ only in a password")
}

// A file with lint errors or an instance with another name is an error of
// that instance only.
func TestPlanErrorsPerInstance(t *testing.T) {
	im := importEstate(t, 4, fakecds.Options{})
	if err := os.WriteFile(im.file(0), []byte(`{"HttpListeners": [{"ListenerName": "Bad Name"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	im.Server.InjectInstanceFault(estatetest.UUID(2), cdsapi.ActionDescribeLoadBalancers, fakecds.Fault{Kind: fakecds.FaultInternalError})
	p := im.plan(t, 4)
	want := []string{estatetest.UUID(0) + " error", estatetest.UUID(2) + " error"}
	if c := changed(p); !slices.Equal(c, want) || p.ExitCode() != estate.ExitErrors {
		t.Errorf("exit %d, %v", p.ExitCode(), c)
	}
	if len(p.Instances[0].Findings) == 0 {
		t.Error("no findings for the broken file")
	}
	// An instance whose name is not the manifest's.
	cfg, _ := os.ReadFile(im.config)
	renamed := strings.Replace(string(cfg), "name: lb-001", "name: lb-one", 1)
	if renamed == string(cfg) {
		t.Fatalf("manifest:\n%s", cfg)
	}
	os.WriteFile(im.config, []byte(renamed), 0o600)
	p = im.plan(t, 4)
	if ip := p.Instances[1]; ip.Change != estate.ChangeError || !strings.Contains(ip.Error, `is called "lb-001", not "lb-one"`) {
		t.Errorf("instance 1: %+v", ip)
	}
	// A file is linted even when its instance cannot be read.
	if err := os.WriteFile(im.file(2), []byte(`{"HttpListeners": [{"ListenerName": "Bad Name"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	p = im.plan(t, 4)
	if ip := p.Instances[2]; len(ip.Findings) == 0 || !strings.Contains(ip.Error, "InternalError") {
		t.Errorf("instance 2: %+v", ip)
	}
}

func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		out[p] = fi.ModTime().String() + "\n" + string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func maps(a, b map[string]string) bool { return mapsEqual(a, b) }

func mapsEqual[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// A manifest entry that changes mode plans a mode switch, and apply
// switches the instance.
func TestModeSwitch(t *testing.T) {
	im := importEstate(t, 4, fakecds.Options{})
	cfg, err := os.ReadFile(im.config)
	if err != nil {
		t.Fatal(err)
	}
	switched := strings.Replace(string(cfg), "custom: lb/lb-001.cfg", "strategies: lb/lb-001.json", 1)
	if switched == string(cfg) {
		t.Fatalf("manifest:\n%s", cfg)
	}
	os.WriteFile(im.config, []byte(switched), 0o600)
	l := estatetest.Listeners(1)
	l.TcpListeners[0].MaxConn = 3000
	os.WriteFile(filepath.Join(im.dir, "lb", "lb-001.json"), model.MarshalIndent(&l), 0o600)

	p := im.plan(t, 2)
	ip := p.Instances[1]
	if ip.Change != estate.ChangeModeSwitch || ip.LiveMode != estate.ModeCustom || ip.Mode != estate.ModeBasic || ip.Counts.Changed != 1 {
		t.Fatalf("plan: %+v", ip)
	}
	var out strings.Builder
	estate.WritePlan(&out, p, "text")
	for _, s := range []string{"custom -> basic", "mode switch: the instance runs custom mode; applying switches it to basic mode", "MaxConn: 2000 -> 3000"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("text plan lacks %q:\n%s", s, out.String())
		}
	}
	rep := estate.Apply(t.Context(), im.manifest(t), p, im.Clients, estate.ApplyOptions{SkipCheck: true, BackupRoot: t.TempDir()})
	if rep.ExitCode() != 0 || rep.Results[0].Outcome != estate.OutcomeSent {
		t.Fatalf("apply: %+v", rep.Results)
	}
	if inst, _ := im.Server.Instance(estatetest.UUID(1)); inst.IsCustomConf != 0 {
		t.Error("the instance did not switch to basic mode")
	}
	if c := changed(im.plan(t, 2)); len(c) != 0 {
		t.Errorf("plan after the switch: %v", c)
	}
}

// A saved plan is refused for an instance whose file changed since.
func TestApplyRefusesAChangedFile(t *testing.T) {
	im := importEstate(t, 2, fakecds.Options{})
	im.edit(t, 0)
	p := im.plan(t, 2)
	data, _ := os.ReadFile(im.file(0))
	os.WriteFile(im.file(0), []byte(strings.Replace(string(data), `"Weight": "30"`, `"Weight": "40"`, 1)), 0o600)
	rep := estate.Apply(t.Context(), im.manifest(t), p, im.Clients, estate.ApplyOptions{SkipCheck: true, BackupRoot: t.TempDir()})
	if r := rep.Results[0]; r.Outcome != estate.OutcomeRefused || !strings.Contains(r.Detail, "changed since the plan") {
		t.Errorf("%+v", r)
	}
	if n := len(im.Server.RequestsFor(cdsapi.ActionModifyLoadBalancerStrategys)); n != 0 {
		t.Errorf("%d sends", n)
	}
}

// Drift: an instance that does not run what its file said at the base
// revision was changed outside the repository.
func TestPlanDrift(t *testing.T) {
	im := importEstate(t, 4, fakecds.Options{})
	base := map[string][]byte{}
	m := im.manifest(t)
	for _, e := range m.Instances {
		data, err := os.ReadFile(m.FilePath(e))
		if err != nil {
			t.Fatal(err)
		}
		base[e.UUID] = data
	}
	im.edit(t, 0) // a change in the repository: not drift
	l := estatetest.Listeners(2)
	l.HttpListeners[0].MaxConn = 5
	im.Server.SetInstanceState(estatetest.UUID(2), &l, "") // a change outside: drift
	p := estate.MakePlan(t.Context(), m, im.Clients, estate.PlanOptions{Base: func(e estate.Entry) ([]byte, bool, error) {
		data, ok := base[e.UUID]
		return data, ok && e.UUID != estatetest.UUID(3), nil // instance 3's file is new
	}})
	var got []string
	for _, ip := range p.Instances {
		d := "unknown"
		if ip.Drift != nil {
			d = strconv.FormatBool(*ip.Drift)
		}
		got = append(got, d)
	}
	if want := []string{"false", "false", "true", "unknown"}; !slices.Equal(got, want) || p.Summary.Drifted != 1 {
		t.Errorf("drift %v, want %v (summary %+v)", got, want, p.Summary)
	}
}

// loadManifest reads the manifest of the configuration file path as the
// commands do: through package config.
func loadManifest(path string) (*estate.Manifest, error) {
	c, err := lbconfig.Load(path)
	if err != nil {
		return nil, err
	}
	return estate.ManifestOf(c), nil
}

// PlanOptions.Findings adjusts every file's findings before they are
// judged (the configuration's disable and override); PlanOptions.Target is
// the version a file is linted for when its instance cannot be read.
func TestPlanOptionsConfiguration(t *testing.T) {
	im := importEstate(t, 4, fakecds.Options{})
	doc, _ := os.ReadFile(im.file(0))
	badName := regexp.MustCompile(`"ListenerName": "[^"]*"`).ReplaceAllString(string(doc), `"ListenerName": "Bad Name"`)
	if err := os.WriteFile(im.file(0), []byte(badName), 0o600); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(im.file(3))
	withNbproc := strings.Replace(string(data), "global\n", "global\n    nbproc 1\n", 1)
	if withNbproc == string(data) {
		t.Fatalf("no global section:\n%s", data)
	}
	os.WriteFile(im.file(3), []byte(withNbproc), 0o600)
	im.Server.InjectInstanceFault(estatetest.UUID(3), cdsapi.ActionDescribeLoadBalancers, fakecds.Fault{Kind: fakecds.FaultInternalError})
	m := im.manifest(t)
	rules := func(fs []finding.Finding) (out []string) {
		for _, f := range fs {
			out = append(out, f.Severity.String()+" "+f.Rule)
		}
		return out
	}
	p := estate.MakePlan(t.Context(), m, im.Clients, estate.PlanOptions{})
	if got := rules(p.Instances[3].Findings); !slices.Contains(got, "warning cfg-deprecated") {
		t.Errorf("unread instance, default target: %v", got)
	}
	if ip := p.Instances[0]; ip.Change != estate.ChangeError {
		t.Errorf("instance 0 with a bad listener name: %s %v", ip.Change, rules(ip.Findings))
	}
	dropListenerName := func(fs []finding.Finding) []finding.Finding {
		var out []finding.Finding
		for _, f := range fs {
			if !strings.HasPrefix(f.Rule, "listener-name") {
				out = append(out, f)
			}
		}
		return out
	}
	p = estate.MakePlan(t.Context(), m, im.Clients, estate.PlanOptions{Target: "2.6", Findings: dropListenerName})
	if got := rules(p.Instances[3].Findings); !slices.Contains(got, "error cfg-target") {
		t.Errorf("unread instance, target 2.6: %v", got)
	}
	if ip := p.Instances[0]; ip.Change == estate.ChangeError || slices.ContainsFunc(ip.Findings, func(f finding.Finding) bool { return f.Rule == "listener-name" }) {
		t.Errorf("instance 0 with listener-name disabled: %s %s %v", ip.Change, ip.Error, rules(ip.Findings))
	}
}
