// Package static embeds the portal's own CSS and the vendored, pinned htmx.
package static

import "embed"

// FS holds the files served under /static/.
//
//go:embed *.css *.js
var FS embed.FS
