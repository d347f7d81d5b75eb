package cdsapi

import (
	"fmt"
	"net/url"
	"strings"
)

// The documented endpoints.
const (
	// DefaultEndpoint serves mainland China (中国大陆).
	DefaultEndpoint = "https://cdsapi.capitalonline.net"
	// AsiaEndpoint serves Asia-Pacific (亚太地区).
	AsiaEndpoint = "https://cdsapi-asia.capitalonline.net"
	// USEndpoint serves Europe and America (欧美地区).
	USEndpoint = "https://cdsapi-us.capitalonline.net"
)

// ResolveEndpoint turns a region name or a URL into the base URL requests
// are sent to (without the /lb/ path):
//
//   - "" , "mainland", "cn" or "china" give [DefaultEndpoint];
//   - "asia" gives [AsiaEndpoint]; "us" gives [USEndpoint];
//   - an http:// or https:// URL is used as is, minus a trailing "/" or
//     "/lb" (so the doc's "cdsapi.capitalonline.net/lb" works too);
//   - a bare host name with a dot, such as "cdsapi.capitalonline.net", gets
//     https:// in front.
//
// Names are case-insensitive.
func ResolveEndpoint(nameOrURL string) (string, error) {
	s := strings.TrimSpace(nameOrURL)
	switch strings.ToLower(s) {
	case "", "mainland", "cn", "china":
		return DefaultEndpoint, nil
	case "asia":
		return AsiaEndpoint, nil
	case "us":
		return USEndpoint, nil
	}
	if !strings.Contains(s, "://") {
		if !strings.Contains(s, ".") {
			return "", fmt.Errorf("cdsapi: unknown endpoint %q: use mainland (or cn), asia, us, or a URL such as https://cdsapi.capitalonline.net", nameOrURL)
		}
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("cdsapi: endpoint %q is not a URL: %w", nameOrURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("cdsapi: endpoint %q: scheme must be http or https", nameOrURL)
	}
	if u.Host == "" {
		return "", fmt.Errorf("cdsapi: endpoint %q has no host", nameOrURL)
	}
	if u.User != nil {
		// Not echoed: it would print the password.
		return "", fmt.Errorf("cdsapi: the endpoint must not contain a user name or password")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("cdsapi: endpoint %q: give only scheme, host and path", nameOrURL)
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/lb")
	u.RawPath = ""
	return strings.TrimSuffix(u.String(), "/"), nil
}
