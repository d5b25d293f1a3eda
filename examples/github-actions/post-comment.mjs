// Posts the pull-request comment, or updates the one posted before (found by its marker), so a pull
// request has one fwc comment however often it is pushed to.
//   node post-comment.mjs COMMENT_FILE
// Needs GITHUB_TOKEN, GITHUB_REPOSITORY (owner/name) and PR_NUMBER; GITHUB_API_URL defaults to GitHub's.
// Fails (exit 1) with one line naming the request and GitHub's message when the API refuses.
import { readFileSync } from 'node:fs';

const MARKER = '<!-- fwc-pull-request -->';
// GitHub refuses longer comment bodies (422 "Body is too long (maximum is 65536 characters)").
const MAX_BODY = 65536;
const [file] = process.argv.slice(2);
const { GITHUB_TOKEN: token, GITHUB_REPOSITORY: repo, PR_NUMBER: pr } = process.env;
const api = (process.env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
if (!file || !token || !repo || !pr) {
  console.error('usage: GITHUB_TOKEN=… GITHUB_REPOSITORY=owner/name PR_NUMBER=N node post-comment.mjs COMMENT_FILE');
  process.exit(2);
}

function fail(message) {
  console.error(`post-comment: ${message}`);
  process.exit(1);
}

let body;
try {
  body = readFileSync(file, 'utf8');
} catch (error) {
  fail(`cannot read ${file}: ${error.code ?? error.message}`);
}
// The marker comes first: only a comment that starts with it is ours (one that quotes it is not).
if (!body.startsWith(MARKER)) body = `${MARKER}\n${body}`;
if (body.length > MAX_BODY) {
  const note = '\n\n_… cut here: the report is longer than a GitHub comment can be. The whole report is in the job log and summary._\n';
  body = body.slice(0, MAX_BODY - note.length).replace(/[\uD800-\uDBFF]$/, '') + note;
}

async function call(method, path, payload) {
  let response;
  try {
    response = await fetch(`${api}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'content-type': 'application/json' },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
  } catch (error) {
    fail(`${method} ${api}${path}: ${error.cause?.message ?? error.message}`);
  }
  if (!response.ok) {
    const text = await response.text();
    let message = text.trim();
    try {
      message = JSON.parse(text).message ?? message;
    } catch {
      // not JSON: keep the text
    }
    fail(`${method} ${path}: ${response.status} ${response.statusText}${message ? `: ${message}` : ''}`);
  }
  return response.json();
}

let existing = null;
for (let page = 1; !existing; page++) {
  const comments = await call('GET', `/repos/${repo}/issues/${pr}/comments?per_page=100&page=${page}`);
  existing = comments.find((c) => typeof c.body === 'string' && c.body.startsWith(MARKER)) ?? null;
  if (comments.length < 100) break;
}
if (existing) {
  await call('PATCH', `/repos/${repo}/issues/comments/${existing.id}`, { body });
  console.log(`updated comment ${existing.id}`);
} else {
  const created = await call('POST', `/repos/${repo}/issues/${pr}/comments`, { body });
  console.log(`created comment ${created.id}`);
}
