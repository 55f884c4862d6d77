package config

import (
	"flag"
	"fmt"
	"net/url"

	"kycportal/internal/cdp"
	"kycportal/internal/cdp/sandbox"
)

// cdp reads the CDP_* variables.
func (p *parser) cdp() cdp.Config {
	c := cdp.Config{
		BaseURL:        p.cdpBaseURL("CDP_BASE_URL"),
		ClientID:       p.str("CDP_CLIENT_ID", ""),
		ClientSecret:   p.secret("CDP_CLIENT_SECRET"),
		Username:       p.str("CDP_USERNAME", ""),
		Password:       p.secret("CDP_PASSWORD"),
		Scope:          p.str("CDP_SCOPE", cdp.DefaultScope),
		Timeout:        p.duration("CDP_TIMEOUT", cdp.DefaultTimeout),
		CallbackSecret: p.secret("CDP_CALLBACK_SECRET"),
	}
	if c.Scope == cdp.NoScope {
		c.Scope = ""
	}
	return c
}

func (p *parser) cdpBaseURL(name string) string {
	raw := p.str(name, "")
	if raw == "" || raw == cdp.SandboxBaseURL {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.fail(
			name,
			fmt.Sprintf("%q is not an http(s) URL such as https://drap-sandbox.digitnine.com, or %q", raw, cdp.SandboxBaseURL),
		)
	}
	return raw
}

// sandbox reads the CDP_SANDBOX_* knobs: one variable per flag of `portal cdp-sandbox`.
func (p *parser) sandbox(creds cdp.Config) sandbox.Config {
	c := sandbox.DefaultConfig()
	c.CDP = creds.WithSandboxDefaults()
	fs := flag.NewFlagSet("env", flag.ContinueOnError)
	c.RegisterFlags(fs)
	fs.VisitAll(func(f *flag.Flag) {
		name := sandbox.EnvName(f.Name)
		if v := p.str(name, ""); v != "" {
			if err := fs.Set(f.Name, v); err != nil {
				p.fail(name, fmt.Sprintf("%q: %v", v, err))
			}
		}
	})
	return c
}
