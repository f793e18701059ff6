package resume

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxFilename is the longest filename SanitizeFilename returns, in bytes.
// It leaves room under the 255-byte limit of common filesystems and keeps a
// Content-Disposition header, with its percent-encoded copy, well inside
// what proxies accept.
const maxFilename = 120

// unsafeFilenameChars are replaced by "_": separators and wildcards that
// Windows, macOS or Linux refuse or treat specially, plus the characters
// that delimit parameters in HTTP headers.
const unsafeFilenameChars = `/\:*?"<>|;`

// foreignExts are extensions that, on a file of another format, are a lie
// to be replaced rather than part of the name to be kept ("J.Smith" keeps
// its ".Smith" and gains ".pdf"; "cv.exe" becomes "cv.pdf").
var foreignExts = map[string]bool{}

func init() {
	for _, e := range strings.Fields(`
		pdf doc docx docm dot dotx dotm rtf txt text md odt ott pages wps wpd
		xls xlsx xlsm ods csv ppt pptx pptm odp key
		exe com bat cmd scr pif msi msp dll sys cpl lnk url hta jar app apk
		dmg pkg iso img bin dat tmp js jse vbs vbe wsf wsh ps1 psm1 sh bash
		zsh py pl rb php asp aspx jsp html htm xhtml xml svg json
		zip rar 7z gz tgz tar bz2 xz
		jpg jpeg png gif bmp tif tiff heic webp`) {
		foreignExts[e] = true
	}
}

// windowsReserved are device names Windows will not use as a file's stem.
var windowsReserved = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true,
	"COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true,
	"COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true,
	"LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true,
}

// SanitizeFilename turns the name an uploader's client sent into one that is
// safe to store, to put in a header and to save on any recruiter's disk, and
// that tells the truth about the file: the extension always matches k, the
// format Detect found ("cv.exe" holding a PDF is served as "cv.pdf"). It
// keeps as much of the original as is safe, because the name is often the
// only place a candidate's name appears; with nothing left it falls back to
// "resume.<ext>".
func SanitizeFilename(name string, k Kind) string {
	// Only the last path element: browsers on Windows send "C:\...\cv.pdf".
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.ToValidUTF8(name, "")

	var b strings.Builder
	space := false
	for _, r := range name {
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = true
			continue
		case unicode.Is(unicode.Cf, r):
			// Invisible formatting (right-to-left overrides, zero-width
			// joiners) can make "cv\u202Efdp.exe" display as "cvexe.pdf".
			continue
		case strings.ContainsRune(unsafeFilenameChars, r):
			r = '_'
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	name = strings.TrimRight(b.String(), ". ")

	ext := k.Ext()
	stem := name
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		have := strings.ToLower(name[i+1:])
		if have == ext || foreignExts[have] {
			stem = name[:i]
		}
	}
	stem = trimStem(stem, ext)
	if first, _, _ := strings.Cut(stem, "."); windowsReserved[strings.ToUpper(strings.TrimSpace(first))] {
		stem = "_" + stem
	}
	stem = trimStem(truncateUTF8(stem, maxFilename-len(ext)-1), ext)
	if stem == "" {
		stem = "resume"
	}
	return stem + "." + ext
}

// trimStem removes leading and trailing dots and spaces (a leading dot hides
// a file on Unix, Windows drops trailing ones) and any copies of the
// extension about to be added, so "cv.pdf.exe" holding a PDF becomes
// "cv.pdf" rather than "cv.pdf.pdf".
func trimStem(stem, ext string) string {
	for {
		stem = strings.Trim(stem, ". ")
		n := len(stem) - len(ext) - 1
		if n < 0 || stem[n] != '.' || !strings.EqualFold(stem[n+1:], ext) {
			return stem
		}
		stem = stem[:n]
	}
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
