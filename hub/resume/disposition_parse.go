package resume

import "mime"

// DispositionFilename returns the filename a Content-Disposition value
// carries (an upload's header, a multipart part's, a downloaded file's),
// preferring the RFC 8187 filename* form that mime decodes, or "" when it
// has none or cannot be read. The name still goes through SanitizeFilename.
func DispositionFilename(v string) string {
	if v == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(v)
	if err != nil {
		return ""
	}
	return params["filename"]
}
