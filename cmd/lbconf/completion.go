package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"
)

// completionShells are the shells `lbconf completion` writes scripts for.
var completionShells = []string{"bash", "zsh", "fish"}

func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script (bash, zsh or fish)",
		ArgsUsage: "SHELL",
		Description: "Completes commands, subcommands and flags; paths complete as files.\n\n" +
			"Examples:\n" +
			"  lbconf completion bash > ~/.local/share/bash-completion/completions/lbconf\n" +
			"  lbconf completion zsh > \"${fpath[1]}/_lbconf\"\n" +
			"  lbconf completion fish > ~/.config/fish/completions/lbconf.fish",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErr("completion takes one SHELL: %s", strings.Join(completionShells, ", "))
			}
			tree := completionTree(c.App.Commands)
			var script string
			switch shell := c.Args().First(); shell {
			case "bash":
				script = bashCompletion(tree)
			case "zsh":
				script = zshCompletion(tree)
			case "fish":
				script = fishCompletion(tree)
			default:
				return usageErr("no completion for shell %q: use %s", shell, strings.Join(completionShells, ", "))
			}
			_, err := fmt.Fprint(c.App.Writer, script)
			return err
		},
	}
}

// completionNode is a command path ("" for the root, "strategies apply")
// with what can follow it.
type completionNode struct {
	Path     string
	Commands []string
	Flags    []string // with dashes: --format, -o
}

// completionTree lists every command path of the CLI, root first.
func completionTree(cmds []*cli.Command) []completionNode {
	root := completionNode{Flags: []string{"--help", "--version"}}
	var out []completionNode
	var walk func(prefix string, cmds []*cli.Command) []string
	walk = func(prefix string, cmds []*cli.Command) []string {
		var names []string
		for _, cmd := range cmds {
			if cmd.Hidden {
				continue
			}
			names = append(names, cmd.Name)
			n := completionNode{Path: strings.TrimSpace(prefix + " " + cmd.Name)}
			for _, f := range cmd.Flags {
				for _, name := range f.Names() {
					if len(name) == 1 {
						n.Flags = append(n.Flags, "-"+name)
					} else {
						n.Flags = append(n.Flags, "--"+name)
					}
				}
			}
			n.Flags = append(n.Flags, "--help")
			sort.Strings(n.Flags)
			n.Commands = walk(n.Path, cmd.Subcommands)
			out = append(out, n)
		}
		sort.Strings(names)
		return names
	}
	root.Commands = walk("", cmds)
	return append([]completionNode{root}, out...)
}

func bashCompletion(tree []completionNode) string {
	var b strings.Builder
	b.WriteString("# bash completion for lbconf (lbconf completion bash)\n")
	b.WriteString("_lbconf() {\n")
	b.WriteString("  local cur path i w words\n")
	b.WriteString("  cur=\"${COMP_WORDS[COMP_CWORD]}\"\n")
	b.WriteString("  path=\"\"\n")
	b.WriteString("  for ((i = 1; i < COMP_CWORD; i++)); do\n")
	b.WriteString("    w=\"${COMP_WORDS[i]}\"\n")
	b.WriteString("    case \"$w\" in -*) continue ;; esac\n")
	b.WriteString("    case \"${path:+$path }$w\" in\n")
	for _, n := range tree[1:] {
		fmt.Fprintf(&b, "      %q) path=\"${path:+$path }$w\" ;;\n", n.Path)
	}
	b.WriteString("    esac\n")
	b.WriteString("  done\n")
	b.WriteString("  case \"$path\" in\n")
	for _, n := range tree {
		words := append(append([]string{}, n.Commands...), n.Flags...)
		fmt.Fprintf(&b, "    %q) words=%q ;;\n", n.Path, strings.Join(words, " "))
	}
	b.WriteString("  esac\n")
	b.WriteString("  if [[ \"$cur\" == -* || -z \"$path\" || \"$path\" == strategies ]]; then\n")
	b.WriteString("    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n")
	b.WriteString("  else\n")
	b.WriteString("    COMPREPLY=($(compgen -f -- \"$cur\"))\n")
	b.WriteString("  fi\n")
	b.WriteString("}\n")
	b.WriteString("complete -o filenames -o bashdefault -F _lbconf lbconf\n")
	return b.String()
}

func zshCompletion(tree []completionNode) string {
	var b strings.Builder
	b.WriteString("#compdef lbconf\n# zsh completion for lbconf (lbconf completion zsh)\n")
	b.WriteString("_lbconf() {\n")
	b.WriteString("  local -a words_; local path_ w\n")
	b.WriteString("  path_=\"\"\n")
	b.WriteString("  for w in \"${(@)words[2,CURRENT-1]}\"; do\n")
	b.WriteString("    [[ \"$w\" == -* ]] && continue\n")
	b.WriteString("    case \"${path_:+$path_ }$w\" in\n")
	for _, n := range tree[1:] {
		fmt.Fprintf(&b, "      %q) path_=\"${path_:+$path_ }$w\" ;;\n", n.Path)
	}
	b.WriteString("    esac\n")
	b.WriteString("  done\n")
	b.WriteString("  case \"$path_\" in\n")
	for _, n := range tree {
		words := append(append([]string{}, n.Commands...), n.Flags...)
		fmt.Fprintf(&b, "    %q) words_=(%s) ;;\n", n.Path, strings.Join(words, " "))
	}
	b.WriteString("  esac\n")
	b.WriteString("  if [[ \"$PREFIX\" == -* || -z \"$path_\" || \"$path_\" == strategies ]]; then\n")
	b.WriteString("    compadd -- \"${words_[@]}\"\n")
	b.WriteString("  else\n")
	b.WriteString("    _files\n")
	b.WriteString("  fi\n")
	b.WriteString("}\n")
	b.WriteString("compdef _lbconf lbconf\n")
	return b.String()
}

func fishCompletion(tree []completionNode) string {
	var b strings.Builder
	b.WriteString("# fish completion for lbconf (lbconf completion fish)\n")
	b.WriteString("complete -c lbconf -f\n")
	top := tree[0].Commands
	fmt.Fprintf(&b, "complete -c lbconf -n 'not __fish_seen_subcommand_from %s' -a '%s'\n", strings.Join(top, " "), strings.Join(top, " "))
	for _, n := range tree[1:] {
		words := strings.Fields(n.Path)
		cond := "__fish_seen_subcommand_from " + words[len(words)-1]
		if len(words) > 1 {
			cond = "__fish_seen_subcommand_from " + words[0] + "; and " + cond
		}
		if len(n.Commands) > 0 {
			fmt.Fprintf(&b, "complete -c lbconf -n '%s; and not __fish_seen_subcommand_from %s' -a '%s'\n",
				cond, strings.Join(n.Commands, " "), strings.Join(n.Commands, " "))
			continue
		}
		fmt.Fprintf(&b, "complete -c lbconf -n '%s' -F\n", cond)
		for _, f := range n.Flags {
			if name, ok := strings.CutPrefix(f, "--"); ok {
				fmt.Fprintf(&b, "complete -c lbconf -n '%s' -l %s\n", cond, name)
			} else {
				fmt.Fprintf(&b, "complete -c lbconf -n '%s' -s %s\n", cond, strings.TrimPrefix(f, "-"))
			}
		}
	}
	return b.String()
}
