package resume

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Part names of a WordprocessingML package (ECMA-376 / ISO 29500). Part
// names are case-insensitive, so they are compared lower-cased.
const (
	partContentTypes = "[content_types].xml"
	partDocument     = "word/document.xml"
	partVBA          = "word/vbaproject.bin"
	maxContentTypes  = 1 << 20 // a real [Content_Types].xml is a few KB
)

// Content types of the main document part that make a package a DOCX: a
// document or a template, in transitional or strict form (both use these).
var docxMainTypes = map[string]bool{
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": true,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": true,
}

// contentTypes is the part of [Content_Types].xml needed to learn the type
// of the main document part.
type contentTypes struct {
	Defaults []struct {
		Extension   string `xml:"Extension,attr"`
		ContentType string `xml:"ContentType,attr"`
	} `xml:"Default"`
	Overrides []struct {
		PartName    string `xml:"PartName,attr"`
		ContentType string `xml:"ContentType,attr"`
	} `xml:"Override"`
}

// typeOf returns the declared content type of a part ("/word/document.xml"),
// applying an Override before the Default for its extension, as OPC says.
func (c *contentTypes) typeOf(part string) string {
	for _, o := range c.Overrides {
		if strings.EqualFold(o.PartName, part) {
			return o.ContentType
		}
	}
	ext := part[strings.LastIndexByte(part, '.')+1:]
	for _, d := range c.Defaults {
		if strings.EqualFold(d.Extension, ext) {
			return d.ContentType
		}
	}
	return ""
}

// detectZip accepts a zip archive only when it is a Word document package
// and otherwise names what it is. Only the central directory and the small
// [Content_Types].xml part are read, never the document itself, so a zip
// bomb costs nothing.
func detectZip(data []byte) (Kind, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	// Entry names such as "../x" only matter to code that extracts them,
	// which this does not; with GODEBUG=zipinsecurepath=0 the reader
	// reports them but is still usable.
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return KindUnknown, unsupported("a damaged zip archive")
	}
	files := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		files[strings.ToLower(f.Name)] = f
	}
	ct, hasCT := files[partContentTypes]
	_, hasDoc := files[partDocument]
	switch {
	case !hasCT && files["mimetype"] != nil:
		return KindUnknown, unsupported("an OpenDocument file (such as .odt); save it as DOCX or PDF")
	case hasCT && !hasDoc && files["xl/workbook.xml"] != nil:
		return KindUnknown, unsupported("an Excel workbook (.xlsx)")
	case hasCT && !hasDoc && files["ppt/presentation.xml"] != nil:
		return KindUnknown, unsupported("a PowerPoint presentation (.pptx)")
	case !hasCT || !hasDoc:
		return KindUnknown, unsupported("a zip archive, not a Word document")
	case files[partVBA] != nil:
		return KindUnknown, unsupported("a Word document with macros; save it as .docx without macros")
	}
	types, err := readContentTypes(ct)
	if err != nil {
		return KindUnknown, unsupported("a damaged Word document (its [Content_Types].xml cannot be read)")
	}
	switch main := strings.ToLower(types.typeOf("/" + partDocument)); {
	case docxMainTypes[main]:
		return KindDOCX, nil
	case strings.Contains(main, "macroenabled"):
		return KindUnknown, unsupported("a Word document with macros; save it as .docx without macros")
	}
	return KindUnknown, unsupported("a zip archive, not a Word document")
}

func readContentTypes(f *zip.File) (*contentTypes, error) {
	if f.UncompressedSize64 > maxContentTypes {
		return nil, fmt.Errorf("[Content_Types].xml is %d bytes", f.UncompressedSize64)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("opening [Content_Types].xml: %w", err)
	}
	defer rc.Close()
	raw, err := io.ReadAll(io.LimitReader(rc, maxContentTypes))
	if err != nil {
		return nil, fmt.Errorf("reading [Content_Types].xml: %w", err)
	}
	var types contentTypes
	if err := xml.Unmarshal(raw, &types); err != nil {
		return nil, fmt.Errorf("parsing [Content_Types].xml: %w", err)
	}
	return &types, nil
}
