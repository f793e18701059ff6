package resume

import (
	"bytes"
	"encoding/binary"
	"testing"
)

func TestDetectOLE(t *testing.T) {
	// Root, then a chain of filler streams linked through right siblings,
	// with WordDocument last so it lands in a later directory sector.
	long := []cfbSpecEntry{{name: "Root Entry", typ: cfbTypeRoot, left: none, right: none, child: 1}}
	for i := 1; i <= 9; i++ {
		long = append(long, cfbSpecEntry{name: "Data" + string(rune('0'+i)), typ: cfbTypeStream, left: none, right: uint32(i + 1), child: none})
	}
	long = append(long, cfbSpecEntry{name: "WordDocument", typ: cfbTypeStream, left: none, right: none, child: none})

	rootWith := func(children ...cfbSpecEntry) []cfbSpecEntry {
		e := []cfbSpecEntry{{name: "Root Entry", typ: cfbTypeRoot, left: none, right: none, child: 1}}
		for i, c := range children {
			c.left, c.right = none, none
			if c.child == 0 {
				c.child = none
			}
			if i+1 < len(children) {
				c.right = uint32(i + 2)
			}
			e = append(e, c)
		}
		return e
	}
	stream := func(name string) cfbSpecEntry { return cfbSpecEntry{name: name, typ: cfbTypeStream} }

	msi := rootWith(stream("\u4840\u3f3f\u4577\u446c"), stream("\u4840\u3b3f\u43f2\u4438"))
	msi[0].clsid = msiCLSID

	// Excel with a Word document embedded as an object: the WordDocument
	// stream sits inside a nested storage, not at the root.
	embedded := []cfbSpecEntry{
		{name: "Root Entry", typ: cfbTypeRoot, left: none, right: none, child: 1},
		{name: "Workbook", typ: cfbTypeStream, left: none, right: 2, child: none},
		{name: "MBD0001A2B3", typ: 1, left: none, right: none, child: 3},
		{name: "WordDocument", typ: cfbTypeStream, left: none, right: none, child: none},
	}
	onlyNested := append([]cfbSpecEntry(nil), embedded...)
	onlyNested[1].name = "Ole10Native"

	tests := []struct {
		detectCase
		spec cfbSpec
	}{
		{detectCase{name: "Word 97 document", want: KindDOC}, cfbSpec{entries: wordEntries(), streamSize: 4096}},
		{detectCase{name: "version 4 with 4096-byte sectors", want: KindDOC}, cfbSpec{shift: 12, entries: wordEntries(), streamSize: 4096}},
		{detectCase{name: "directory over several scattered sectors", want: KindDOC}, cfbSpec{entries: long, scatter: true}},
		{detectCase{name: "stream name in another case", want: KindDOC}, cfbSpec{entries: rootWith(stream("worddocument"))}},
		{detectCase{name: "Excel workbook", wantErr: ErrUnsupported, wantMsg: "Excel workbook (.xls)"}, cfbSpec{entries: rootWith(stream("Workbook"), stream("\x05SummaryInformation"))}},
		{detectCase{name: "Excel 5 workbook", wantErr: ErrUnsupported, wantMsg: "Excel workbook"}, cfbSpec{entries: rootWith(stream("Book"))}},
		{detectCase{name: "PowerPoint", wantErr: ErrUnsupported, wantMsg: "PowerPoint"}, cfbSpec{entries: rootWith(stream("PowerPoint Document"), stream("Current User"))}},
		{detectCase{name: "Windows Installer", wantErr: ErrUnsupported, wantMsg: "Windows Installer"}, cfbSpec{entries: msi}},
		{detectCase{name: "password-protected DOCX", wantErr: ErrUnsupported, wantMsg: "password-protected"}, cfbSpec{entries: rootWith(stream("EncryptionInfo"), stream("EncryptedPackage"))}},
		{detectCase{name: "Word document embedded in a workbook", wantErr: ErrUnsupported, wantMsg: "Excel"}, cfbSpec{entries: embedded}},
		{detectCase{name: "WordDocument only in a nested storage", wantErr: ErrUnsupported, wantMsg: "not a Word document"}, cfbSpec{entries: onlyNested}},
		{detectCase{name: "WordDocument that is a storage", wantErr: ErrUnsupported, wantMsg: "not a Word document"}, cfbSpec{entries: rootWith(cfbSpecEntry{name: "WordDocument", typ: 1})}},
		{detectCase{name: "other stream names", wantErr: ErrUnsupported, wantMsg: "not a Word document"}, cfbSpec{entries: rootWith(stream("Contents"), stream("\x01CompObj"))}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.data = buildCFB(t, tc.spec)
			checkDetect(t, tc.detectCase)
		})
	}
}

// A directory placed past the sectors the header's 109 FAT locations cover
// can only be found through the DIFAT chain.
func TestDetectOLEWithDIFAT(t *testing.T) {
	const perFAT = 512 / 4
	spec := cfbSpec{entries: wordEntries(), minFAT: cfbHeaderDIFAT + 2, dirAt: cfbHeaderDIFAT*perFAT + 10, scatter: true}
	data := buildCFB(t, spec)
	if n := binary.LittleEndian.Uint32(data[0x48:]); n == 0 {
		t.Fatalf("fixture has no DIFAT sectors")
	}
	tests := []detectCase{
		{name: "intact", data: data, want: KindDOC},
		{name: "broken DIFAT link", data: corrupt(data, func(b []byte) {
			binary.LittleEndian.PutUint32(b[0x44:], 0x00FFFFFF)
		}), wantErr: ErrUnsupported, wantMsg: "damaged"},
		{name: "missing DIFAT chain", data: corrupt(data, func(b []byte) {
			binary.LittleEndian.PutUint32(b[0x44:], cfbEndOfChain)
		}), wantErr: ErrUnsupported, wantMsg: "damaged"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkDetect(t, tc) })
	}
}

// corrupt returns a copy of data changed by f.
func corrupt(data []byte, f func([]byte)) []byte {
	b := bytes.Clone(data)
	f(b)
	return b
}

func TestDetectOLEDamaged(t *testing.T) {
	doc := buildDOC(t)
	le := binary.LittleEndian
	firstDir := le.Uint32(doc[0x30:])
	dirOff := int(firstDir+1) * 512
	fatOff := 512 // FAT sector 0 follows the header

	tests := []struct {
		name string
		data []byte
	}{
		{"signature only", magicOLE},
		{"header only", doc[:512]},
		{"big-endian byte order mark", corrupt(doc, func(b []byte) { b[0x1C], b[0x1D] = 0xFF, 0xFE })},
		{"odd sector size", corrupt(doc, func(b []byte) { le.PutUint16(b[0x1E:], 10) })},
		{"no FAT sectors", corrupt(doc, func(b []byte) { le.PutUint32(b[0x2C:], 0) })},
		{"more FAT sectors than the file", corrupt(doc, func(b []byte) { le.PutUint32(b[0x2C:], 1<<20) })},
		{"FAT sector out of range", corrupt(doc, func(b []byte) { le.PutUint32(b[0x4C:], 1<<20) })},
		{"directory out of range", corrupt(doc, func(b []byte) { le.PutUint32(b[0x30:], 1<<20) })},
		{"directory chain loops", corrupt(doc, func(b []byte) { le.PutUint32(b[fatOff+4*int(firstDir):], firstDir) })},
		{"first entry is not the root", corrupt(doc, func(b []byte) { b[dirOff+0x42] = cfbTypeStream })},
		{"sibling cycle", corrupt(doc, func(b []byte) { le.PutUint32(b[dirOff+2*cfbEntrySize+0x48:], 1) })},
		{"child out of range", corrupt(doc, func(b []byte) { le.PutUint32(b[dirOff+0x4C:], 1000) })},
		{"child points at the root", corrupt(doc, func(b []byte) { le.PutUint32(b[dirOff+0x4C:], 0) })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkDetect(t, detectCase{data: tc.data, wantErr: ErrUnsupported, wantMsg: "damaged Office (OLE) file"})
		})
	}
}

func TestCFBRootReadsNamesAndShortLastSector(t *testing.T) {
	doc := buildDOC(t)
	// Cut the last sector short: readers tolerate it, and so does this one.
	root, children, err := cfbRoot(doc[:len(doc)-100])
	if err != nil {
		t.Fatalf("cfbRoot: %v", err)
	}
	if root.name != "Root Entry" || root.typ != cfbTypeRoot {
		t.Errorf("root = %q type %d", root.name, root.typ)
	}
	var names []string
	for _, c := range children {
		names = append(names, c.name)
	}
	want := map[string]bool{"WordDocument": true, "1Table": true, "\x05SummaryInformation": true}
	if len(names) != len(want) {
		t.Fatalf("children = %q; want %d entries", names, len(want))
	}
	for _, n := range names {
		if !want[n] {
			t.Errorf("unexpected child %q", n)
		}
	}
}

func TestParseCFBEntryClampsNameLength(t *testing.T) {
	b := make([]byte, cfbEntrySize)
	for i := 0; i < 32; i++ {
		binary.LittleEndian.PutUint16(b[2*i:], 'A')
	}
	binary.LittleEndian.PutUint16(b[0x40:], 0xFFFF) // lies about its length
	if e := parseCFBEntry(b); len(e.name) != 31 {
		t.Errorf("name has %d characters; want 31", len(e.name))
	}
}
