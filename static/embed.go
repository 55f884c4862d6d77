// Package static embeds the portal's own CSS, script and icon, and the vendored, pinned htmx.
package static

import "embed"

// FS holds the files served under /static/.
//
//go:embed *.css *.js *.svg
var FS embed.FS
