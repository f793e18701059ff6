package resume

import (
	"strings"
	"testing"
)

func TestDetectZip(t *testing.T) {
	docx := buildDOCX(t)
	defaultOnly := strings.Replace(contentTypesXML(""), `Extension="xml" ContentType="application/xml"`,
		`Extension="xml" ContentType="`+docxMainType+`"`, 1)

	tests := []detectCase{
		{name: "DOCX", data: docx, want: KindDOCX},
		{name: "DOCX template", data: buildZip(t,
			zipEntry{"[Content_Types].xml", contentTypesXML(strings.Replace(docxMainType, ".document.", ".template.", 1))},
			zipEntry{"word/document.xml", documentXML}), want: KindDOCX},
		{name: "main type from the xml Default", data: buildZip(t,
			zipEntry{"[Content_Types].xml", defaultOnly},
			zipEntry{"word/document.xml", documentXML}), want: KindDOCX},
		{name: "part names in another case", data: buildZip(t,
			zipEntry{"[CONTENT_TYPES].XML", strings.Replace(contentTypesXML(docxMainType), "/word/document.xml", "/Word/Document.xml", 1)},
			zipEntry{"Word/Document.xml", documentXML}), want: KindDOCX},
		{name: "DOCX with images and styles", data: buildDOCX(t,
			zipEntry{"word/styles.xml", "<w:styles/>"},
			zipEntry{"word/media/image1.png", "\x89PNG"}), want: KindDOCX},

		{name: "missing word/document.xml", data: buildZip(t,
			zipEntry{"[Content_Types].xml", contentTypesXML(docxMainType)},
			zipEntry{"_rels/.rels", rootRels}), wantErr: ErrUnsupported, wantMsg: "zip archive, not a Word document"},
		{name: "missing [Content_Types].xml", data: buildZip(t,
			zipEntry{"word/document.xml", documentXML}), wantErr: ErrUnsupported, wantMsg: "zip archive, not a Word document"},
		{name: "document part declared as plain XML", data: buildZip(t,
			zipEntry{"[Content_Types].xml", contentTypesXML("")},
			zipEntry{"word/document.xml", documentXML}), wantErr: ErrUnsupported, wantMsg: "not a Word document"},
		{name: "macro-enabled DOCM", data: buildZip(t,
			zipEntry{"[Content_Types].xml", contentTypesXML(docmMainType)},
			zipEntry{"word/document.xml", documentXML}), wantErr: ErrUnsupported, wantMsg: "with macros"},
		{name: "DOCX carrying a VBA project", data: buildDOCX(t,
			zipEntry{"word/vbaProject.bin", "\xD0\xCF\x11\xE0"}), wantErr: ErrUnsupported, wantMsg: "with macros"},
		{name: "unparseable [Content_Types].xml", data: buildZip(t,
			zipEntry{"[Content_Types].xml", "<Types><Override PartName="},
			zipEntry{"word/document.xml", documentXML}), wantErr: ErrUnsupported, wantMsg: "damaged Word document"},
		{name: "XLSX", data: buildZip(t,
			zipEntry{"[Content_Types].xml", contentTypesXML("")},
			zipEntry{"xl/workbook.xml", "<workbook/>"}), wantErr: ErrUnsupported, wantMsg: "Excel workbook (.xlsx)"},
		{name: "PPTX", data: buildZip(t,
			zipEntry{"[Content_Types].xml", contentTypesXML("")},
			zipEntry{"ppt/presentation.xml", "<p:presentation/>"}), wantErr: ErrUnsupported, wantMsg: "PowerPoint presentation (.pptx)"},
		{name: "ODT", data: buildZip(t,
			zipEntry{"mimetype", "application/vnd.oasis.opendocument.text"},
			zipEntry{"content.xml", "<office:document-content/>"}), wantErr: ErrUnsupported, wantMsg: "OpenDocument"},
		{name: "truncated DOCX", data: docx[:len(docx)/2], wantErr: ErrUnsupported, wantMsg: "damaged zip archive"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkDetect(t, tc) })
	}
}

func TestDetectZipRefusesOversizedContentTypes(t *testing.T) {
	huge := contentTypesXML(docxMainType) + "<!--" + strings.Repeat("x", maxContentTypes) + "-->"
	data := buildZip(t, zipEntry{"[Content_Types].xml", huge}, zipEntry{"word/document.xml", documentXML})
	checkDetect(t, detectCase{data: data, wantErr: ErrUnsupported, wantMsg: "damaged Word document"})
}

func TestContentTypesTypeOf(t *testing.T) {
	var c contentTypes
	c.Defaults = append(c.Defaults, struct {
		Extension   string `xml:"Extension,attr"`
		ContentType string `xml:"ContentType,attr"`
	}{"XML", "application/xml"})
	c.Overrides = append(c.Overrides, struct {
		PartName    string `xml:"PartName,attr"`
		ContentType string `xml:"ContentType,attr"`
	}{"/word/document.xml", docxMainType})

	tests := []struct {
		name, part, want string
	}{
		{"override wins", "/word/document.xml", docxMainType},
		{"override matched without case", "/WORD/document.XML", docxMainType},
		{"default by extension", "/word/styles.xml", "application/xml"},
		{"nothing declared", "/word/media/image1.png", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.typeOf(tc.part); got != tc.want {
				t.Errorf("typeOf(%q) = %q; want %q", tc.part, got, tc.want)
			}
		})
	}
}

// With GODEBUG=zipinsecurepath=0 archive/zip reports "../" names as an
// error; that must still be read as a zip, not called damaged.
func TestDetectZipInsecurePaths(t *testing.T) {
	t.Setenv("GODEBUG", "zipinsecurepath=0")
	tests := []detectCase{
		{name: "plain zip with traversal", data: buildZip(t, zipEntry{"../../evil.sh", "#!/bin/sh"}),
			wantErr: ErrUnsupported, wantMsg: "zip archive, not a Word document"},
		{name: "DOCX with a stray traversal entry", data: buildDOCX(t, zipEntry{"../x.xml", "<x/>"}), want: KindDOCX},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkDetect(t, tc) })
	}
}
