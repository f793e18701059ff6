'use strict';

const { resume_file_key: RESUME_FILE } = require('./catalog');

// stashResume is the resume hydrator: Zapier runs it only when a later step
// uses the file. The link is the hub's signed resume URL, which needs no API
// key (beforeRequest adds none to it unless it is the hub itself).
const stashResume = async (z, bundle) => {
  const { url } = bundle.inputData;
  return z.stashFile(z.request({ url, raw: true }));
};

// resumeLink finds the signed resume link in a trigger item (resume_url) or
// a resource (resume.url).
const resumeLink = (obj) => {
  if (!obj || typeof obj !== 'object') return null;
  if (typeof obj.resume_url === 'string' && obj.resume_url) return obj.resume_url;
  if (obj.resume && typeof obj.resume.url === 'string' && obj.resume.url) return obj.resume.url;
  return null;
};

// withResumeFile adds the resume as a Zapier file (a dehydrated pointer to
// stashResume) to a candidate output that has one.
const withResumeFile = (z, obj) => {
  const link = resumeLink(obj);
  if (!link) return obj;
  // eslint-disable-next-line global-require
  const hydrators = require('./hydrators');
  return { ...obj, [RESUME_FILE]: z.dehydrateFile(hydrators.resume, { url: link }) };
};

module.exports = { stashResume, resumeLink, withResumeFile };
