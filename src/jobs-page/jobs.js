// The /jobs page: plain DOM, no framework, only this origin (see src/jobs-page.ts for the CSP it runs under).
// Every text from the server goes in through textContent, never as HTML.

const options = JSON.parse(document.getElementById('jobs-options').textContent);
const $ = (id) => document.getElementById(id);

const JOB_FIELDS = `fragment JobFields on BulkJob {
  id action status dryRun objectCount succeeded failed skipped createdAt startedAt completedAt errorCode
}`;
const ERROR_FIELDS = `... on Error { __typename code message }`;
const PREVIEW_FIELDS = `preview {
  nodesToUnclaim servicesToStop locationsToArchive gdprDeletes newEmptyLocations serviceLevelChanges licenseEffect
}`;
const START = `mutation StartBulkJob($input: StartBulkJobInput!) {
  startBulkJob(input: $input) { __typename ... on StartBulkJobSuccess { job { ...JobFields } } ${ERROR_FIELDS} }
} ${JOB_FIELDS}`;
const CANCEL = `mutation CancelBulkJob($id: ID!) {
  cancelBulkJob(input: { id: $id }) { __typename ... on CancelBulkJobSuccess { job { ...JobFields } } ${ERROR_FIELDS} }
} ${JOB_FIELDS}`;
const LIST = `query BulkJobs { bulkJobs(first: 20) { edges { node { ...JobFields } } } } ${JOB_FIELDS}`;
const PREVIEW = `query BulkJobPreview($id: ID!) { node(id: $id) { ... on BulkJob { id ${PREVIEW_FIELDS} } } }`;
const FAILURES = `query BulkJobFailures($id: ID!) {
  node(id: $id) { ... on BulkJob { id items(outcome: [FAILED, INVALID], first: 100) {
    edges { node { line itemId outcome error { code message } } }
    pageInfo { hasNextPage }
  } } }
}`;
const PROGRESS = `subscription BulkJobProgress($id: ID!) { bulkJobProgress(id: $id) { ...JobFields } } ${JOB_FIELDS}`;

const ACTIONS = {
  SUSPEND_LOCATION: 'Suspend locations',
  RESTORE_LOCATION: 'Restore locations',
  CANCEL_LOCATION_SERVICE: 'Cancel location service',
  CANCEL_CUSTOMER_ACCOUNT: 'Cancel customer accounts',
};
const FINISHED = new Set(['COMPLETED', 'FAILED', 'CANCELED']);
const MAX_INLINE_ITEMS = 1000;

/** A DOM element with properties and children: never HTML strings. */
function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

const authorization = () => ({ authorization: $('token').value.trim() });

async function graphql(query, variables = {}) {
  const response = await fetch(options.graphqlEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...authorization() },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let result;
  try {
    result = JSON.parse(text);
  } catch {
    // Refused before GraphQL (a body limit, a proxy): the status and its text say why.
    throw new Error(`HTTP ${response.status}: ${text.slice(0, 200)}`);
  }
  if (result.errors?.length) throw new Error(result.errors.map((error) => error.message).join('; '));
  return result.data;
}

/**
 * A subscription over server-sent events: a JSON POST with `Accept: text/event-stream` (an EventSource
 * cannot send the Authorization header). Resolves when the server completes the stream.
 */
async function subscribe(query, variables, onResult, signal) {
  const response = await fetch(options.graphqlEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...authorization() },
    body: JSON.stringify({ query, variables }),
    signal,
  });
  if (!response.ok || !response.body) throw new Error(`subscription refused (HTTP ${response.status})`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const lines = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      const event = lines
        .find((line) => line.startsWith('event:'))
        ?.slice(6)
        .trim();
      if (event === 'complete') return;
      const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim());
      if (data.length && data.join('')) onResult(JSON.parse(data.join('\n')));
    }
  }
}

// ---- the new-job form ----

const form = $('new-job');
const formStatus = (text) => ($('form-status').textContent = text);
/** One idempotency key per submitted form state and mode: a double click or a retry answers the same job. */
let keys = new Map();
let upload; // { file, uploadId, lines } of the chosen file, once sent

function randomKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `jobs-page-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

function showSuspensionFields() {
  $('suspension').hidden = $('action').value !== 'SUSPEND_LOCATION';
}

form.addEventListener('input', () => (keys = new Map()));
$('action').addEventListener('change', showSuspensionFields);
$('file').addEventListener('change', () => (upload = undefined));

const contentTypeOf = (file) =>
  /\.csv$/i.test(file.name)
    ? 'text/csv'
    : /\.(jsonl|ndjson)$/i.test(file.name)
      ? 'application/x-ndjson'
      : file.type || 'application/octet-stream';

async function uploadFile(file) {
  if (upload?.file === file) return upload;
  formStatus(`Uploading ${file.name}…`);
  const response = await fetch(options.uploadsPath, {
    method: 'POST',
    headers: { 'content-type': contentTypeOf(file), ...authorization() },
    body: file,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`upload refused (HTTP ${response.status}): ${messageIn(text)}`);
  const { uploadId, lines } = JSON.parse(text);
  upload = { file, uploadId, lines };
  return upload;
}

function messageIn(text) {
  try {
    const body = JSON.parse(text);
    return body.message ?? body.error ?? body.errors?.[0]?.message ?? text;
  } catch {
    return text;
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const dryRun = event.submitter?.value === 'dry-run';
  const file = $('file').files[0];
  const items = $('items')
    .value.split(/[\s,]+/)
    .filter(Boolean);
  if (!$('token').value.trim()) return formStatus('Enter your authorization token first.');
  if (!file && !items.length) return formStatus('Paste at least one id or choose a file.');
  if (!file && items.length > MAX_INLINE_ITEMS) {
    return formStatus(
      `${items.length} ids: at most ${MAX_INLINE_ITEMS} can be pasted; upload a file instead.`,
    );
  }
  const action = $('action').value;
  const mode = dryRun ? 'dry-run' : 'start';
  if (!keys.has(mode)) keys.set(mode, randomKey());
  for (const button of form.querySelectorAll('button')) button.disabled = true;
  try {
    const input = { action, dryRun, idempotencyKey: keys.get(mode) };
    if (action === 'SUSPEND_LOCATION')
      Object.assign(input, { level: $('level').value, reason: $('reason').value });
    if (file) input.uploadId = (await uploadFile(file)).uploadId;
    else input.items = items;
    formStatus(dryRun ? 'Starting the dry run…' : 'Starting the job…');
    const { startBulkJob: result } = await graphql(START, { input });
    if (result.__typename !== 'StartBulkJobSuccess') {
      return formStatus(`Not started: ${result.message ?? result.__typename}`);
    }
    const { job } = result;
    if (dryRun) awaitingPreview.add(job.id);
    track(job);
    formStatus(
      `${dryRun ? 'Dry run' : 'Job'} started: ${job.objectCount} items${upload && file ? ` from ${upload.lines} lines` : ''}.`,
    );
  } catch (error) {
    formStatus(`Not started: ${error.message}`);
  } finally {
    for (const button of form.querySelectorAll('button')) button.disabled = false;
  }
});

// ---- the jobs table ----

/** Rows by job id: the row's cells, the latest state, the running subscription's abort controller. */
const rows = new Map();
const awaitingPreview = new Set();
const jobsStatus = (text) => ($('jobs-status').textContent = text);
const counted = (job) => job.succeeded + job.failed + job.skipped;

function track(job) {
  if (!rows.has(job.id)) {
    const row = createRow(job);
    rows.set(job.id, row);
    $('jobs').tBodies[0].prepend(row.element);
  }
  update(job);
  if (!FINISHED.has(job.status)) follow(job.id);
}

function createRow(job) {
  const cells = {
    status: el('td'),
    bar: el('progress', { max: 1, value: 0 }),
    progressText: el('span', { className: 'progress-text' }),
    succeeded: el('td', { className: 'number' }),
    failed: el('td', { className: 'number' }),
    skipped: el('td', { className: 'number' }),
  };
  const label = `${ACTIONS[job.action] ?? job.action}${job.dryRun ? ' (dry run)' : ''}`;
  cells.bar.setAttribute('aria-label', `Progress of ${label}`);
  cells.progressText.setAttribute('aria-live', 'polite');
  const buttons = {
    failures: el('button', { type: 'button', textContent: 'Failed items' }),
    totals: el('button', { type: 'button', textContent: 'Totals', hidden: !job.dryRun }),
    download: el('button', { type: 'button', textContent: 'Download results' }),
    cancel: el('button', { type: 'button', textContent: 'Cancel' }),
  };
  // Every row has the same buttons: the label says which job each one acts on.
  for (const [name, button] of Object.entries(buttons)) {
    button.setAttribute('aria-label', `${button.textContent}: ${label}`);
    button.dataset.action = name;
  }
  buttons.failures.addEventListener('click', () => showFailures(job.id, label));
  buttons.totals.addEventListener('click', () => showPreview(job.id, label));
  buttons.download.addEventListener('click', () => download(job.id));
  buttons.cancel.addEventListener('click', () => cancel(job.id));
  const element = el(
    'tr',
    {},
    el(
      'th',
      { scope: 'row' },
      el('span', { textContent: label }),
      el('br'),
      el('code', { textContent: job.id }),
    ),
    cells.status,
    el('td', { className: 'progress' }, cells.bar, cells.progressText),
    cells.succeeded,
    cells.failed,
    cells.skipped,
    el('td', { textContent: new Date(job.createdAt).toLocaleString() }),
    el('td', {}, el('div', { className: 'actions' }, ...Object.values(buttons))),
  );
  element.dataset.jobId = job.id;
  element.dataset.dryRun = String(job.dryRun);
  return { element, cells, buttons, label, job, controller: undefined };
}

function update(job) {
  const row = rows.get(job.id);
  const wasFinished = FINISHED.has(row.job.status);
  row.job = job;
  const finished = FINISHED.has(job.status);
  const total = Math.max(job.objectCount, 1);
  const fraction = job.status === 'COMPLETED' ? 1 : Math.min(counted(job) / total, 1);
  row.cells.status.textContent = job.errorCode ? `${job.status} (${job.errorCode})` : job.status;
  row.cells.bar.value = fraction;
  row.cells.progressText.textContent = `${counted(job)} of ${job.objectCount} (${Math.round(fraction * 100)}%)`;
  row.cells.succeeded.textContent = job.succeeded;
  row.cells.failed.textContent = job.failed;
  row.cells.skipped.textContent = job.skipped;
  row.element.dataset.status = job.status;
  row.buttons.cancel.hidden = finished || job.status === 'CANCELING';
  row.buttons.failures.disabled = job.failed === 0;
  if (finished && !wasFinished) {
    jobsStatus(
      `${row.label}: ${job.status.toLowerCase()}, ${job.succeeded} succeeded, ${job.failed} failed.`,
    );
    if (awaitingPreview.delete(job.id)) void showPreview(job.id, row.label);
  }
}

/**
 * A browser opens at most six HTTP/1.1 connections to an origin, and each live job holds one: past four,
 * the rest wait for a free one (newest first), so queries, uploads and downloads always have a way through.
 */
const MAX_STREAMS = 4;
let openStreams = 0;
const waitingForStream = [];
const streamSlot = () =>
  openStreams < MAX_STREAMS
    ? ((openStreams += 1), Promise.resolve())
    : new Promise((resolve) => waitingForStream.push(resolve));
const releaseStreamSlot = () => {
  const next = waitingForStream.pop();
  if (next) next();
  else openStreams -= 1;
};

/**
 * Follows a job's progress until it ends. A stream that drops is opened again after a pause; five in a
 * row that bring no news (or fail) give up, so a job that vanished is not asked for forever.
 */
async function follow(id) {
  const row = rows.get(id);
  if (row.controller) return;
  const controller = (row.controller = new AbortController());
  const problem = (message) => (row.cells.status.textContent = `${row.job.status} (progress: ${message})`);
  await streamSlot();
  try {
    for (let fruitless = 0; fruitless < 5 && !FINISHED.has(row.job.status);) {
      if (controller.signal.aborted) return;
      let news = false;
      try {
        await subscribe(
          PROGRESS,
          { id },
          (result) => {
            const job = result.data?.bulkJobProgress;
            if (result.errors?.length) problem(result.errors[0].message);
            if (!job) return;
            news = true;
            update(job);
          },
          controller.signal,
        );
      } catch (error) {
        if (controller.signal.aborted) return;
        problem(error.message);
      }
      fruitless = news ? 0 : fruitless + 1;
      if (!FINISHED.has(row.job.status))
        await new Promise((resolve) => setTimeout(resolve, 1000 * 2 ** fruitless));
    }
  } finally {
    releaseStreamSlot();
    if (row.controller === controller) row.controller = undefined;
  }
}

async function loadJobs() {
  for (const row of rows.values()) row.controller?.abort();
  rows.clear();
  $('jobs').tBodies[0].replaceChildren();
  if (!$('token').value.trim()) return jobsStatus('Enter your authorization token to see your jobs.');
  try {
    const { bulkJobs } = await graphql(LIST);
    for (const { node } of [...bulkJobs.edges].reverse()) track(node);
    jobsStatus(bulkJobs.edges.length ? '' : 'No jobs yet.');
  } catch (error) {
    jobsStatus(`Could not load jobs: ${error.message}`);
  }
}

async function cancel(id) {
  try {
    const { cancelBulkJob: result } = await graphql(CANCEL, { id });
    if (result.job) update(result.job);
    else jobsStatus(`Not canceled: ${result.message ?? result.__typename}`);
  } catch (error) {
    jobsStatus(`Not canceled: ${error.message}`);
  }
}

/** Results arrive as JSONL; the Authorization header rules out a plain link, so they are saved from a blob. */
async function download(id) {
  try {
    const response = await fetch(options.resultsPath.replace('{id}', encodeURIComponent(id)), {
      headers: authorization(),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${messageIn(await response.text())}`);
    const url = URL.createObjectURL(await response.blob());
    const link = el('a', { href: url, download: `bulk-job-${id}.jsonl` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (error) {
    jobsStatus(`Download failed: ${error.message}`);
  }
}

// ---- the details panels ----

const LABELS = { gdprDeletes: 'GDPR deletes' };
/** `serviceLevelChanges` → "Service level changes". */
const humanize = (name) =>
  LABELS[name] ??
  name.replace(/[A-Z]/g, (upper) => ` ${upper.toLowerCase()}`).replace(/^./, (first) => first.toUpperCase());
const shown = (value) =>
  value === null || value === undefined
    ? '—'
    : typeof value === 'object'
      ? Object.entries(value)
          .filter(([key]) => key !== '__typename')
          .map(([key, inner]) => `${humanize(key)}: ${inner}`)
          .join(', ')
      : String(value);

async function showPreview(id, label) {
  try {
    const { node } = await graphql(PREVIEW, { id });
    const entries = Object.entries(node?.preview ?? {}).filter(([key]) => key !== '__typename');
    $('preview-caption').textContent = entries.length ? label : `${label}: no totals yet.`;
    $('preview').replaceChildren(
      ...entries.flatMap(([key, value]) => [
        el('dt', { textContent: humanize(key) }),
        el('dd', { textContent: shown(value) }),
      ]),
    );
    $('preview-section').hidden = false;
  } catch (error) {
    jobsStatus(`Totals unavailable: ${error.message}`);
  }
}

async function showFailures(id, label) {
  try {
    const { node } = await graphql(FAILURES, { id });
    const { edges, pageInfo } = node.items;
    $('failures-title').textContent = `Failed items: ${label}`;
    $('failures').tBodies[0].replaceChildren(
      ...edges.map(({ node: item }) =>
        el(
          'tr',
          {},
          el('td', { className: 'number', textContent: item.line ?? '—' }),
          el('td', {}, el('code', { textContent: item.itemId ?? '—' })),
          el('td', { textContent: item.outcome }),
          el('td', { textContent: item.error ? `${item.error.code}: ${item.error.message}` : '—' }),
        ),
      ),
      ...(edges.length ? [] : [el('tr', {}, el('td', { colSpan: 4, textContent: 'No failed items.' }))]),
      ...(pageInfo.hasNextPage
        ? [
            el(
              'tr',
              {},
              el('td', { colSpan: 4, textContent: 'The first 100 are shown: download the results for all.' }),
            ),
          ]
        : []),
    );
    $('failures-section').hidden = false;
  } catch (error) {
    jobsStatus(`Failed items unavailable: ${error.message}`);
  }
}

// ---- start ----

$('token').value = options.token;
$('load-jobs').addEventListener('click', () => void loadJobs());
showSuspensionFields();
void loadJobs();
