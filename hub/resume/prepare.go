package resume

import "strings"

// Prepare decides the stored form of a file however it arrived (an upload,
// a download by a connector action): its format from its bytes (Detect), a
// safe name whose extension tells the truth (SanitizeFilename) and the
// media type as the candidate schema spells it, without parameters. The
// error is Detect's, to be mapped to a status by the caller.
func Prepare(name string, data []byte) (filename, contentType string, err error) {
	kind, err := Detect(data)
	if err != nil {
		return "", "", err
	}
	mt, _, _ := strings.Cut(kind.ContentType(), ";")
	return SanitizeFilename(name, kind), strings.TrimSpace(mt), nil
}
