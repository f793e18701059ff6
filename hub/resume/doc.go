// Package resume decides whether an uploaded file may be stored as a
// candidate's resume and prepares what is needed to hand it back safely.
//
// Resumes travel far beyond the hub: signed links put them in webhook
// payloads, Zaps, Make scenarios and n8n workflows, and recruiters open them
// on their own machines. So the type of a file is decided from its bytes and
// never from its name or the client's Content-Type, only the five document
// formats recruiters expect are kept (PDF, DOC, DOCX, RTF, UTF-8 text), and
// the name and headers sent with a download are rebuilt from the detected
// type so a file can never arrive looking like something else.
//
// Nothing here touches HTTP handlers or storage: the API layer calls ReadAll
// and Detect on upload, stores Kind.ContentType and SanitizeFilename's result,
// and uses ContentDisposition and ETag when serving the file.
package resume
