// Unit tests of the file name Download Resume reads from Content-Disposition.
const test = require('node:test');
const assert = require('node:assert/strict');
const { dispositionFileName } = require('../dist/nodes/Visage/resume.js');

const cases = {
	'both forms: filename* wins': [`attachment; filename="Zoe Durand CV.pdf"; filename*=UTF-8''Zo%C3%AB%20Durand%20CV.pdf`, 'Zoë Durand CV.pdf'],
	'quoted only': ['attachment; filename="cv.pdf"', 'cv.pdf'],
	'token only': ['attachment; filename=cv.pdf', 'cv.pdf'],
	'filename* only, language tag': [`attachment; filename*=utf-8'en'r%C3%A9sum%C3%A9.docx`, 'résumé.docx'],
	'malformed percent-encoding falls back': [`attachment; filename="cv.pdf"; filename*=UTF-8''%E0%A4%A`, 'cv.pdf'],
	'no file name': ['attachment', undefined],
	'empty quoted name': ['attachment; filename=""', undefined],
	'no header': [undefined, undefined],
};
for (const [name, [header, want]] of Object.entries(cases)) {
	test(name, () => {
		assert.equal(dispositionFileName(header), want);
	});
}
