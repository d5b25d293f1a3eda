// Posts the pull-request comment, or updates the one posted before (found by its marker), so a pull
// request has one fwc comment however often it is pushed to.
//   node post-comment.mjs COMMENT_FILE
// Needs GITHUB_TOKEN, GITHUB_REPOSITORY (owner/name) and PR_NUMBER; GITHUB_API_URL defaults to GitHub's.
import { readFileSync } from 'node:fs';

const MARKER = '<!-- fwc-pull-request -->';
const [file] = process.argv.slice(2);
const { GITHUB_TOKEN: token, GITHUB_REPOSITORY: repo, PR_NUMBER: pr } = process.env;
const api = process.env.GITHUB_API_URL ?? 'https://api.github.com';
if (!file || !token || !repo || !pr) {
  console.error('usage: GITHUB_TOKEN=… GITHUB_REPOSITORY=owner/name PR_NUMBER=N node post-comment.mjs COMMENT_FILE');
  process.exit(2);
}
let body = readFileSync(file, 'utf8');
if (!body.includes(MARKER)) body = `${MARKER}\n${body}`;

async function call(method, path, payload) {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'content-type': 'application/json' },
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

let existing = null;
for (let page = 1; !existing; page++) {
  const comments = await call('GET', `/repos/${repo}/issues/${pr}/comments?per_page=100&page=${page}`);
  existing = comments.find((c) => typeof c.body === 'string' && c.body.includes(MARKER)) ?? null;
  if (comments.length < 100) break;
}
if (existing) {
  await call('PATCH', `/repos/${repo}/issues/comments/${existing.id}`, { body });
  console.log(`updated comment ${existing.id}`);
} else {
  const created = await call('POST', `/repos/${repo}/issues/${pr}/comments`, { body });
  console.log(`created comment ${created.id}`);
}
