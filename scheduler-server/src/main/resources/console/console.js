// The schedulerx web console: hash-routed pages over the JSON API under /api/v1. No framework, no build step.
'use strict';

const TOKEN_KEY = 'schedulerx.apiToken';
const FINISHED = new Set(['SUCCESS', 'FAILED', 'KILLED', 'SKIPPED', 'REMOVED']);
const EXECUTE_MODES = ['standalone', 'broadcast', 'grid', 'parallel', 'batch', 'sharding'];
const TIME_TYPES = ['api', 'cron', 'fixed_rate', 'second_delay', 'one_time'];
const JOB_TYPES = ['java', 'shell', 'python', 'http'];
/** What the script editor holds, per job type. */
const CONTENT_HINTS = {
  shell: 'Shell script (run with /bin/sh; the last output line is the result)',
  python: 'Python script (run with python3; the last output line is the result)',
  http: 'HTTP request: HttpAttribute JSON, e.g. {"url":"https://example.com/ping","method":"GET","respParseMode":"statusCode","respCode":200}',
};
const LOG_PAGE = 500;

const view = document.getElementById('view');
let serverClockOffsetMs = 0; // server time minus browser time, from the Date header
let pageGeneration = 0; // bumped on every navigation so a slow answer never paints over a newer page
let refreshTimer = null;

// ---- DOM helpers ----

/** el('td', {class: 'num'}, 'text', childNode, …): attributes starting with "on" become listeners. */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function stateBadge(state) {
  return el('span', {class: 'state state-' + state}, state);
}

function pad(n) {
  return String(n).padStart(2, '0');
}

function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function fmtDuration(ms) {
  if (!Number.isFinite(ms)) return '';
  if (ms < 1000) return ms + ' ms';
  const s = ms / 1000;
  if (s < 60) return s.toFixed(s < 10 ? 1 : 0) + ' s';
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

function duration(instance) {
  if (!instance.startedAt) return '';
  const end = instance.finishedAt ? Date.parse(instance.finishedAt) : Date.now() + serverClockOffsetMs;
  return fmtDuration(Math.max(0, end - Date.parse(instance.startedAt)));
}

let flashShownAt = 0;

function flash(message, isError) {
  flashShownAt = message ? Date.now() : 0;
  const box = document.getElementById('flash');
  box.textContent = message;
  box.className = isError ? 'error' : '';
  box.hidden = !message;
}

// ---- API access, with the bearer token asked for once per tab ----

let tokenPrompt = null;

function askForToken(refused) {
  if (!tokenPrompt) {
    tokenPrompt = new Promise(resolve => {
      const dialog = document.getElementById('token-dialog');
      const error = document.getElementById('token-error');
      error.textContent = refused ? 'The server refused that token.' : '';
      error.hidden = !refused;
      document.getElementById('token-input').value = '';
      dialog.addEventListener('close', () => {
        const token = document.getElementById('token-input').value.trim();
        if (token) sessionStorage.setItem(TOKEN_KEY, token);
        tokenPrompt = null;
        showForgetToken();
        resolve();
      }, {once: true});
      dialog.showModal();
    });
  }
  return tokenPrompt;
}

function showForgetToken() {
  document.getElementById('forget-token').hidden = !sessionStorage.getItem(TOKEN_KEY);
}

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(method, path, body) {
  for (;;) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const headers = {};
    if (token) headers['Authorization'] = 'Bearer ' + token;
    headers['X-Operator'] = 'console';
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
    const date = response.headers.get('Date');
    const serverNow = date ? Date.parse(date) : NaN;
    if (Number.isFinite(serverNow)) serverClockOffsetMs = serverNow + 500 - Date.now(); // the header has whole seconds
    if (response.status === 401) {
      if (token) sessionStorage.removeItem(TOKEN_KEY);
      await askForToken(Boolean(token));
      continue;
    }
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (e) {
      data = {error: text};
    }
    if (!response.ok) {
      throw new ApiError(response.status, (data && data.error) || `${method} ${path}: HTTP ${response.status}`);
    }
    return data;
  }
}

function jobPath(spec) {
  return `/api/v1/jobs/${encodeURIComponent(spec.name)}`;
}

function groupQuery(spec) {
  return '?group=' + encodeURIComponent(spec.group);
}

function jobHash(spec) {
  return `#/jobs/${encodeURIComponent(spec.group)}/${encodeURIComponent(spec.name)}`;
}

// ---- routing ----

function route() {
  pageGeneration++;
  clearTimeout(refreshTimer);
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  for (const link of document.querySelectorAll('[data-nav]')) {
    link.classList.toggle('active', link.dataset.nav === (parts[0] || 'jobs'));
  }
  const generation = pageGeneration;
  let page;
  if (parts[0] === 'instances' && parts[1]) page = instancePage(parts[1], generation);
  else if (parts[0] === 'instances') page = instancesPage(generation);
  else if (parts[0] === 'workers') page = workersPage(generation);
  else if (parts[0] === 'groups') page = groupsPage(generation);
  else if (parts[0] === 'workflows' || parts[0] === 'workflow-instances') page = workflowsRoute(parts, generation);
  else if (parts[0] === 'audit') page = auditPage(generation);
  else if (parts[0] === 'alerts') page = alertsPage(generation);
  else if (parts[0] === 'jobs' && parts[1] === 'new') page = jobFormPage(null, generation);
  else if (parts[0] === 'jobs' && parts[2]) page = jobPage(parts[1], parts[2], parts[3] === 'edit', generation);
  else page = jobsPage(generation);
  page.catch(e => {
    if (generation === pageGeneration) flash(e.message, true);
  });
}

function current(generation) {
  return generation === pageGeneration;
}

/** Runs refresh now and then every intervalMs while this page is shown; refresh returns false to stop. */
function every(intervalMs, generation, refresh) {
  const tick = async () => {
    if (!current(generation)) return;
    let again = true;
    try {
      again = (await refresh()) !== false;
    } catch (e) {
      if (current(generation)) flash(e.message, true);
    }
    if (again && current(generation)) refreshTimer = setTimeout(tick, intervalMs);
  };
  return tick();
}

function show(...nodes) {
  view.replaceChildren(...nodes);
}

// ---- jobs ----

function schedule(spec) {
  return spec.timeType === 'api' ? 'api (on demand)' : `${spec.timeType} ${spec.timeExpression}`;
}

async function jobsPage(generation) {
  const body = el('tbody');
  show(
    el('h1', {}, 'Jobs', el('button', {type: 'button', id: 'new-job', onclick: () => (location.hash = '#/jobs/new')}, 'New job')),
    el('table', {id: 'jobs'},
      el('thead', {}, el('tr', {},
        ['Name', 'Group', 'Processor', 'Mode', 'Schedule', 'Enabled', 'Last run', ''].map(h => el('th', {}, h)))),
      body));
  await every(5000, generation, async () => {
    const jobs = await api('GET', '/api/v1/jobs');
    if (!current(generation)) return false;
    jobs.sort((a, b) => (a.spec.group + '/' + a.spec.name).localeCompare(b.spec.group + '/' + b.spec.name));
    body.replaceChildren(...(jobs.length ? jobs.map(job => jobRow(job, generation))
        : [el('tr', {}, el('td', {colspan: 8, class: 'muted'}, 'No jobs yet.'))]));
  });
}

function jobRow(job, generation) {
  const spec = job.spec;
  return el('tr', {'data-job': spec.name, 'data-group': spec.group},
    el('td', {}, el('a', {href: jobHash(spec)}, spec.name)),
    el('td', {}, spec.group),
    el('td', {}, spec.processor),
    el('td', {}, spec.executeMode),
    el('td', {}, schedule(spec)),
    el('td', {class: 'enabled'}, el('span', {class: spec.enabled ? 'enabled-yes' : 'enabled-no'}, spec.enabled ? 'yes' : 'no')),
    el('td', {}, job.lastInstanceId
        ? el('a', {href: '#/instances/' + job.lastInstanceId}, stateBadge(job.lastStatus), ' #' + job.lastInstanceId)
        : el('span', {class: 'muted'}, 'never')),
    el('td', {}, jobActions(spec, () => route())));
}

function jobActions(spec, afterChange) {
  const toggle = async () => {
    const action = spec.enabled ? 'disable' : 'enable';
    await api('POST', `${jobPath(spec)}/${action}${groupQuery(spec)}`);
    flash(`Job ${spec.name} ${action}d.`);
    afterChange();
  };
  const remove = async () => {
    if (!confirm(`Delete job ${spec.name} (group ${spec.group})? Its history is deleted too.`)) return;
    await api('DELETE', jobPath(spec) + groupQuery(spec));
    flash(`Job ${spec.name} deleted.`);
    if (location.hash === '#/jobs') afterChange();
    else location.hash = '#/jobs';
  };
  const guarded = action => () => action().catch(e => flash(e.message, true));
  return el('div', {class: 'row-actions'},
    el('button', {type: 'button', class: 'run', onclick: () => openRunDialog(spec)}, 'Run now'),
    el('button', {type: 'button', class: 'secondary toggle', onclick: guarded(toggle)}, spec.enabled ? 'Disable' : 'Enable'),
    el('button', {type: 'button', class: 'secondary edit', onclick: () => (location.hash = jobHash(spec) + '/edit')}, 'Edit'),
    el('button', {type: 'button', class: 'danger delete', onclick: guarded(remove)}, 'Delete'));
}

function openRunDialog(spec) {
  const dialog = document.getElementById('run-dialog');
  document.getElementById('run-job-name').textContent = spec.name;
  const params = document.getElementById('run-params');
  params.value = spec.parameters || '';
  const form = document.getElementById('run-form');
  const submit = async event => {
    event.preventDefault();
    try {
      const started = await api('POST', `${jobPath(spec)}/run${groupQuery(spec)}`, {parameters: params.value});
      dialog.close();
      flash(`Instance ${started.instanceId} of job ${spec.name} triggered.`);
      location.hash = '#/instances/' + started.instanceId;
    } catch (e) {
      dialog.close();
      flash(e.message, true);
    }
  };
  form.onsubmit = submit;
  document.getElementById('run-cancel').onclick = () => dialog.close();
  dialog.showModal();
  params.focus();
}

async function jobPage(group, name, edit, generation) {
  if (edit) return jobFormPage({group, name}, generation);
  const spec = (await api('GET', `/api/v1/jobs/${encodeURIComponent(name)}?group=${encodeURIComponent(group)}`)).spec;
  const designation = await api('GET', `${jobPath(spec)}/designate${groupQuery(spec)}`);
  if (!current(generation)) return;
  const body = el('tbody');
  show(
    el('h1', {}, 'Job ', spec.name, el('span', {class: spec.enabled ? 'enabled-yes' : 'enabled-no'}, spec.enabled ? 'enabled' : 'disabled')),
    jobActions(spec, () => route()),
    el('h2', {}, 'Definition'),
    el('dl', {class: 'facts', id: 'job-facts'},
      fact('Group', spec.group), fact('Job type', spec.jobType || 'java'),
      (spec.jobType || 'java') === 'java' ? fact('Processor', spec.processor) : null, fact('Execute mode', spec.executeMode),
      fact('Schedule', schedule(spec) + (spec.timeZone ? ` (${spec.timeZone})` : '')),
      fact('Parameters', spec.parameters), fact('Max attempts', `${spec.maxAttempt} (every ${spec.attemptInterval} s)`),
      fact('Task attempts', `${spec.taskMaxAttempt} (every ${spec.taskAttemptInterval} s)`),
      fact('Timeout', spec.timeout ? spec.timeout + ' s' : 'none'), fact('Max concurrency', spec.maxConcurrency),
      fact('Description', spec.description), fact('xattrs', spec.xattrs)),
    spec.content ? el('section', {}, el('h2', {}, spec.jobType === 'http' ? 'Request' : 'Script'),
      el('pre', {class: 'script', id: 'job-content'}, spec.content)) : '',
    designationForm(spec, designation),
    backfillForm(spec),
    el('h2', {}, 'Instances'),
    instanceTable(body, false));
  await every(2000, generation, async () => {
    const list = await api('GET', `/api/v1/jobs/${encodeURIComponent(name)}/instances?group=${encodeURIComponent(group)}&limit=50`);
    if (!current(generation)) return false;
    fillInstances(body, list, false);
  });
}

const DESIGNATION_TYPES = {0: 'none', 1: 'workers', 2: 'labels'};

/** Where the job runs: any worker, listed workers (host:port) or labels; transferable falls back to the others. */
function designationForm(spec, current) {
  const type = el('select', {name: 'type'}, ['none', 'workers', 'labels'].map(t =>
    el('option', {value: t, selected: DESIGNATION_TYPES[current.type] === t}, t)));
  const targets = el('input', {name: 'targets', value: (current.targets || []).join(','), placeholder: 'host:port,… or label,…'});
  const transferable = el('input', {type: 'checkbox', name: 'transferable', checked: current.transferable});
  const form = el('form', {id: 'designate-form', class: 'inline-form'},
    el('h2', {}, 'Designated workers'),
    el('label', {}, 'Run on ', type), el('label', {}, ' ', targets),
    el('label', {}, transferable, ' fall back to other workers while none is alive'),
    el('button', {type: 'submit', class: 'secondary'}, 'Save'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    try {
      await api('POST', `${jobPath(spec)}/designate${groupQuery(spec)}`, {type: type.value,
        targets: targets.value.split(',').map(t => t.trim()).filter(Boolean), transferable: transferable.checked});
      flash(`Job ${spec.name}: designation saved.`);
    } catch (e) {
      flash(e.message, true);
    }
  });
  return form;
}

/** Back-fill: one run per schedule time between two instants (the browser's local time), oldest first. */
function backfillForm(spec) {
  const from = el('input', {type: 'datetime-local', name: 'from', required: ''});
  const to = el('input', {type: 'datetime-local', name: 'to', required: ''});
  const form = el('form', {id: 'rerun-form', class: 'inline-form'},
    el('h2', {}, 'Back-fill'),
    el('label', {}, 'From ', from), el('label', {}, ' to ', to),
    el('button', {type: 'submit', class: 'secondary'}, 'Queue runs'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    try {
      const answer = await api('POST', `${jobPath(spec)}/rerun${groupQuery(spec)}`,
        {from: new Date(from.value).toISOString(), to: new Date(to.value).toISOString()});
      flash(`${answer.instanceIds.length} runs of ${spec.name} queued.`);
    } catch (e) {
      flash(e.message, true);
    }
  });
  return form;
}

function fact(label, value) {
  return [el('dt', {}, label), el('dd', {}, value === undefined || value === null || value === '' ? '—' : value)];
}

async function jobFormPage(existing, generation) {
  let spec = {executeMode: 'standalone', timeType: 'api', enabled: true, maxAttempt: 0, attemptInterval: 30,
    taskMaxAttempt: 0, taskAttemptInterval: 0, timeout: 0, maxConcurrency: 1};
  let knownGroups = [];
  if (existing) {
    spec = (await api('GET', `/api/v1/jobs/${encodeURIComponent(existing.name)}?group=${encodeURIComponent(existing.group)}`)).spec;
  } else {
    // Offer the groups already in use; with a single one, start with it.
    knownGroups = [...new Set((await api('GET', '/api/v1/jobs')).map(j => j.spec.group))].sort();
    if (knownGroups.length === 1) spec.group = knownGroups[0];
  }
  if (!current(generation)) return;
  const field = (name, label, type, extra) => el('label', {class: extra && extra.wide ? 'wide' : undefined}, label,
    el('input', {name, type: type || 'text', value: spec[name] ?? '', disabled: Boolean(existing && extra && extra.fixed),
      list: name === 'group' ? 'known-groups' : undefined,
      required: extra && extra.required, min: type === 'number' ? 0 : undefined}));
  const choice = (name, label, options) => el('label', {}, label,
    el('select', {name}, options.map(o => el('option', {value: o, selected: o === spec[name]}, o))));
  const form = el('form', {class: 'job', id: 'job-form'},
    field('group', 'Group', 'text', {fixed: true, required: true}),
    field('name', 'Name', 'text', {fixed: true, required: true}),
    choice('jobType', 'Job type', JOB_TYPES),
    field('processor', 'Processor (short or class name)', 'text', {required: true}),
    choice('executeMode', 'Execute mode', EXECUTE_MODES),
    el('label', {class: 'wide', id: 'content-field'}, el('span', {id: 'content-hint'}),
      el('textarea', {name: 'content', id: 'script-editor', rows: 12, spellcheck: 'false', wrap: 'off'}, spec.content ?? '')),
    choice('timeType', 'Time type', TIME_TYPES),
    field('timeExpression', 'Time expression (cron, seconds, ISO date-time)'),
    field('timeZone', 'Time zone (empty = server zone)'),
    el('p', {class: 'wide muted', id: 'schedule-preview'}),
    field('parameters', 'Parameters'),
    field('maxAttempt', 'Max attempts', 'number'),
    field('attemptInterval', 'Attempt interval (s)', 'number'),
    field('taskMaxAttempt', 'Task max attempts', 'number'),
    field('taskAttemptInterval', 'Task attempt interval (s)', 'number'),
    field('timeout', 'Timeout (s, 0 = none)', 'number'),
    field('maxConcurrency', 'Max concurrency', 'number'),
    field('description', 'Description', 'text', {wide: true}),
    field('xattrs', 'xattrs (JSON object)', 'text', {wide: true}),
    field('monitorConfig', 'Alert rules: monitorConfig (JSON, e.g. {"failLimitTimes":3,"timeout":600})', 'text', {wide: true}),
    field('contact', 'Alert contacts: contact (JSON, e.g. [{"ding":"ops-ding","userMail":"a@example.com"}])', 'text', {wide: true}),
    el('label', {class: 'check wide'}, el('input', {type: 'checkbox', name: 'enabled', checked: spec.enabled}), 'Enabled'),
    el('datalist', {id: 'known-groups'}, knownGroups.map(g => el('option', {value: g}))),
    el('div', {class: 'actions'},
      el('button', {type: 'submit', id: 'save-job'}, existing ? 'Save' : 'Create job'),
      el('button', {type: 'button', class: 'secondary', onclick: () => history.back()}, 'Cancel')));
  // Java jobs name a processor; script and HTTP jobs carry their content in the editor instead.
  const jobType = form.querySelector('[name=jobType]');
  const showJobType = () => {
    const java = jobType.value === 'java';
    const processor = form.querySelector('[name=processor]');
    processor.required = java;
    processor.closest('label').hidden = !java;
    form.querySelector('#content-field').hidden = java;
    form.querySelector('#content-hint').textContent = CONTENT_HINTS[jobType.value] || '';
    form.querySelector('#script-editor').required = !java;
  };
  jobType.value = spec.jobType || 'java';
  jobType.addEventListener('change', showJobType);
  showJobType();
  // The editor keeps tabs: Tab inserts one instead of leaving the field.
  form.querySelector('#script-editor').addEventListener('keydown', event => {
    if (event.key !== 'Tab' || event.shiftKey) return;
    event.preventDefault();
    const t = event.target;
    t.setRangeText('\t', t.selectionStart, t.selectionEnd, 'end');
  });
  // The next fire times of the schedule as typed, from the server (GET /api/v1/schedules/preview), or why it
  // would be refused, before anything is saved.
  const preview = form.querySelector('#schedule-preview');
  let previewTimer = null;
  const showPreview = async () => {
    const value = name => form.querySelector(`[name=${name}]`).value;
    const query = new URLSearchParams({timeType: value('timeType'), timeExpression: value('timeExpression'), timeZone: value('timeZone')});
    try {
      const p = await api('GET', '/api/v1/schedules/preview?' + query);
      preview.className = 'wide muted';
      preview.textContent = p.nextFireTimes.length
        ? `Next runs (${p.timeZone}): ` + p.nextFireTimes.map(fmtTime).join(', ')
        : (p.timeType === 'second_delay' ? 'Runs again the delay after each run ends.' : 'No scheduled runs: on demand only.');
    } catch (e) {
      preview.className = 'wide error';
      preview.textContent = e.message;
    }
  };
  for (const name of ['timeType', 'timeExpression', 'timeZone']) {
    form.querySelector(`[name=${name}]`).addEventListener('input', () => {
      clearTimeout(previewTimer);
      previewTimer = setTimeout(showPreview, 300);
    });
  }
  showPreview();
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const values = {};
    for (const input of form.querySelectorAll('input, select, textarea')) {
      if (input.type === 'checkbox') values[input.name] = input.checked;
      else if (input.type === 'number') values[input.name] = input.value === '' ? null : Number(input.value);
      else values[input.name] = input.value;
    }
    if (values.jobType === 'java') delete values.content;
    else delete values.processor;
    try {
      const saved = await api('POST', '/api/v1/jobs', values);
      flash(`Job ${saved.spec.name} saved.`);
      location.hash = jobHash(saved.spec);
    } catch (e) {
      flash(e.message, true);
    }
  });
  show(el('h1', {}, existing ? `Edit job ${spec.name}` : 'New job'), form);
}

// ---- instances ----

function instanceTable(body, withJob) {
  const headers = ['Id', ...(withJob ? ['Job'] : []), 'State', 'Trigger', 'Attempt', 'Parameters', 'Started', 'Finished',
    'Duration', 'Worker', 'Result'];
  return el('table', {class: 'instances'}, el('thead', {}, el('tr', {}, headers.map(h => el('th', {}, h)))), body);
}

function fillInstances(body, list, withJob) {
  body.replaceChildren(...(list.length ? list.map(i => el('tr', {'data-instance': i.id},
    el('td', {}, el('a', {href: '#/instances/' + i.id}, '#' + i.id)),
    withJob ? el('td', {}, el('a', {href: jobHash({group: i.groupId, name: i.jobName})}, i.jobName)) : null,
    el('td', {}, stateBadge(i.state)),
    el('td', {}, i.triggerType),
    el('td', {class: 'num'}, i.attempt),
    el('td', {}, i.instanceParameters),
    el('td', {}, fmtTime(i.startedAt)),
    el('td', {}, fmtTime(i.finishedAt)),
    el('td', {class: 'num'}, duration(i)),
    el('td', {}, i.workerId || ''),
    el('td', {class: 'result'}, i.result || '')))
    : [el('tr', {}, el('td', {colspan: withJob ? 11 : 10, class: 'muted'}, 'No instances yet.'))]));
}

async function instancesPage(generation) {
  const body = el('tbody');
  show(el('h1', {}, 'Recent instances'), instanceTable(body, true));
  await every(2000, generation, async () => {
    const list = await api('GET', '/api/v1/instances?limit=100');
    if (!current(generation)) return false;
    fillInstances(body, list, true);
  });
}

function parseProgress(text) {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch (e) {
    return null;
  }
}

function bar(done, failed, total) {
  const pct = n => (total > 0 ? (100 * n) / total : 0).toFixed(1) + '%';
  return el('div', {class: 'bar', title: `${done + failed} of ${total} finished`},
    el('span', {style: `width:${pct(done)};float:left`}), el('span', {class: 'failed', style: `width:${pct(failed)};float:left`}));
}

function countsTable(id, keyLabel, keyName, rows) {
  return el('table', {id},
    el('thead', {}, el('tr', {}, el('th', {}, keyLabel),
      ['Total', 'Running', 'Succeeded', 'Failed'].map(h => el('th', {class: 'num'}, h)), el('th', {}, 'Progress'))),
    el('tbody', {}, rows.map(r => el('tr', {'data-key': r[keyName]},
      el('td', {}, r[keyName]),
      el('td', {class: 'num total'}, r.total),
      el('td', {class: 'num running'}, r.running),
      el('td', {class: 'num success'}, r.success),
      el('td', {class: 'num failed'}, r.failed),
      el('td', {}, bar(r.success, r.failed, r.total))))));
}

function progressSection(progress) {
  const workers = (progress && progress.workerProgress) || [];
  if (!workers.length) return [el('p', {class: 'muted', id: 'no-progress'}, 'No sub-task progress reported (standalone job, or not started yet).')];
  const sum = key => workers.reduce((n, w) => n + (w[key] || 0), 0);
  const total = sum('total');
  const nodes = [
    el('p', {class: 'progress-summary', id: 'progress-summary'},
      `${total} tasks: ${sum('running')} running, ${sum('success')} succeeded, ${sum('failed')} failed, on ${workers.length} worker(s)`),
    bar(sum('success'), sum('failed'), total),
    el('h2', {}, 'Per worker'),
    countsTable('worker-progress', 'Worker', 'workerAddr', workers)];
  const byName = (progress.taskProgress || []).filter(t => t.name);
  if (byName.length) nodes.push(el('h2', {}, 'Per task name'), countsTable('task-progress', 'Task name', 'name', byName));
  return nodes;
}

async function instancePage(id, generation) {
  const facts = el('dl', {class: 'facts', id: 'instance-facts'});
  const title = el('h1', {});
  const actions = el('div', {class: 'row-actions'});
  const progress = el('div', {id: 'progress'});
  const logs = el('pre', {class: 'logs', id: 'logs'});
  show(title, actions, el('h2', {}, 'Details'), facts, el('h2', {}, 'Progress'), progress, el('h2', {}, 'Logs'), logs);
  const logState = {after: 0, available: true, shown: 0};
  let finishedPolls = 0;
  await every(1000, generation, async () => {
    const i = await api('GET', '/api/v1/instances/' + encodeURIComponent(id));
    if (!current(generation)) return false;
    title.replaceChildren(`Instance #${i.id} · `, el('a', {href: jobHash({group: i.groupId, name: i.jobName})}, i.jobName), ' ',
      el('span', {id: 'instance-state'}, stateBadge(i.state)));
    facts.replaceChildren(
      ...fact('State', i.state), ...fact('Group', i.groupId), ...fact('Trigger', i.triggerType), ...fact('Attempt', i.attempt),
      ...fact('Parameters', i.instanceParameters), ...fact('Worker (master)', i.workerId ? `${i.workerId} (${i.workerAddr || ''})` : ''),
      ...fact('Scheduled', fmtTime(i.scheduleTime)), ...fact('Started', fmtTime(i.startedAt)),
      ...fact('Finished', fmtTime(i.finishedAt)), ...fact('Duration', duration(i)),
      ...fact('Result', i.result === null || i.result === undefined ? '' : el('span', {id: 'instance-result'}, i.result)));
    const finished = FINISHED.has(i.state);
    actions.replaceChildren(finished ? '' : el('button', {type: 'button', class: 'danger', id: 'kill', onclick: () =>
      api('POST', `/api/v1/instances/${i.id}/kill`).then(r => flash(r.message)).catch(e => flash(e.message, true))}, 'Kill'));
    progress.replaceChildren(...progressSection(parseProgress(i.progress)));
    await pollLogs(i.id, logs, logState, generation);
    // Logs of the last tasks may reach the server shortly after the final status: poll a little longer.
    return !finished || ++finishedPolls < 3;
  });
}

async function pollLogs(id, target, state, generation) {
  if (!state.available) return;
  for (let page = 0; page < 10; page++) {
    let answer;
    try {
      answer = await api('GET', `/api/v1/instances/${id}/logs?after=${state.after}&limit=${LOG_PAGE}`);
    } catch (e) {
      if (e.status === 404) {
        state.available = false;
        target.replaceChildren(el('span', {class: 'muted', id: 'no-logs'}, 'no logs'));
        return;
      }
      throw e;
    }
    if (!current(generation)) return;
    const lines = (answer && answer.lines) || [];
    if (state.shown === 0 && lines.length) target.replaceChildren();
    for (const l of lines) {
      target.append(el('span', {class: l.level}, `${fmtTime(l.time)} ${(l.level || '').padEnd(5)} [${l.worker || ''}${l.taskId !== undefined && l.taskId !== null ? ' task ' + l.taskId : ''}] ${l.logger || ''} - ${l.message}\n`));
      state.shown++;
    }
    if (state.shown === 0) target.replaceChildren(el('span', {class: 'muted', id: 'no-logs'}, 'no logs yet'));
    if (answer && answer.next !== undefined && answer.next !== null) state.after = answer.next;
    if (lines.length < LOG_PAGE) return;
  }
}

// ---- workers ----

async function workersPage(generation) {
  const container = el('div', {id: 'workers'});
  show(el('h1', {}, 'Workers'), container);
  await every(2000, generation, async () => {
    const workers = await api('GET', '/api/v1/workers');
    if (!current(generation)) return false;
    const groups = new Map();
    for (const w of workers) {
      if (!groups.has(w.groupId)) groups.set(w.groupId, []);
      groups.get(w.groupId).push(w);
    }
    const now = Date.now() + serverClockOffsetMs;
    const sections = [...groups.keys()].sort().map(group => [
      el('h2', {}, `Group ${group} (${groups.get(group).length} worker(s))`),
      el('table', {class: 'workers', 'data-group': group},
        el('thead', {}, el('tr', {}, ['Worker', 'Address', 'Version', 'Label', 'Running instances', 'Up since', 'Last heartbeat']
          .map(h => el('th', {}, h)))),
        el('tbody', {}, groups.get(group).sort((a, b) => a.address.workerId.localeCompare(b.address.workerId)).map(w => {
          const age = Math.max(0, now - Date.parse(w.lastHeartbeat));
          return el('tr', {'data-worker': w.address.workerId},
            el('td', {}, w.address.workerId),
            el('td', {}, `${w.address.host}:${w.address.port}`),
            el('td', {}, w.version || ''),
            el('td', {}, w.label || ''),
            el('td', {}, (w.runningInstances || []).length ? w.runningInstances.map(id => el('a', {href: '#/instances/' + id}, '#' + id + ' ')) : '—'),
            el('td', {}, fmtTime(w.firstSeen)),
            el('td', {class: 'heartbeat' + (age > 15000 ? ' stale' : '')}, `${Math.round(age / 1000)} s ago`));
        })))]);
    container.replaceChildren(...(sections.length ? sections.flat() : [el('p', {class: 'muted'}, 'No live workers.')]));
  });
}

// ---- app groups and the audit trail ----

async function groupsPage(generation) {
  const list = el('div', {id: 'groups'});
  const form = el('form', {id: 'group-form', class: 'job-form'},
    el('h2', {}, 'New group'),
    el('label', {}, 'Group id ', el('input', {name: 'groupId', required: true, pattern: '[A-Za-z0-9_.\\-]{1,128}'})),
    el('label', {}, 'Namespace ', el('input', {name: 'namespace', value: 'default'})),
    el('label', {}, 'App key ', el('input', {name: 'appKey', required: true, autocomplete: 'off'})),
    el('label', {}, 'Description ', el('input', {name: 'description'})),
    el('div', {class: 'actions'}, el('button', {type: 'submit'}, 'Create group')));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const body = Object.fromEntries(new FormData(form).entries());
    try {
      await api('POST', '/api/v1/groups', body);
      flash(`group ${body.groupId} created: workers may join it now`);
      form.reset();
      route();
    } catch (e) {
      flash(e.message, true);
    }
  });
  show(el('h1', {}, 'App groups'), list, form);
  const groups = await api('GET', '/api/v1/groups');
  if (!current(generation)) return;
  list.replaceChildren(el('table', {class: 'groups'},
    el('thead', {}, el('tr', {}, ['Id', 'Group', 'Namespace', 'App name', 'Description', ''].map(h => el('th', {}, h)))),
    el('tbody', {}, groups.map(g => el('tr', {'data-group': g.groupId},
      el('td', {}, String(g.appGroupId)),
      el('td', {}, g.groupId),
      el('td', {}, g.namespace),
      el('td', {}, g.appName),
      el('td', {}, g.description || ''),
      el('td', {},
        el('button', {type: 'button', class: 'secondary', onclick: async () => {
          const key = prompt(`New app key for ${g.groupId} (workers with the old key are refused at once):`);
          if (!key) return;
          try {
            await api('PUT', `/api/v1/groups/${encodeURIComponent(g.groupId)}`, {appKey: key});
            flash(`app key of ${g.groupId} rotated`);
          } catch (e) {
            flash(e.message, true);
          }
        }}, 'Rotate key'),
        el('button', {type: 'button', class: 'secondary', onclick: async () => {
          if (!confirm(`Delete group ${g.groupId}?`)) return;
          try {
            await api('DELETE', `/api/v1/groups/${encodeURIComponent(g.groupId)}`);
            flash(`group ${g.groupId} deleted`);
            route();
          } catch (e) {
            flash(e.message, true);
          }
        }}, 'Delete')))))));
}

async function auditPage(generation) {
  const container = el('div', {id: 'audit'});
  show(el('h1', {}, 'Audit trail'), container);
  const ops = await api('GET', '/api/v1/operations?limit=200');
  if (!current(generation)) return;
  container.replaceChildren(ops.length ? el('table', {class: 'audit'},
    el('thead', {}, el('tr', {}, ['Time', 'Operator', 'Through', 'Action', 'Object', 'Group', 'Before', 'After']
      .map(h => el('th', {}, h)))),
    el('tbody', {}, ops.map(op => el('tr', {},
      el('td', {}, fmtTime(op.time)),
      el('td', {}, op.operator),
      el('td', {}, op.source),
      el('td', {}, op.operateType),
      el('td', {}, `${op.objectType} ${op.objectId}`),
      el('td', {}, op.groupId || ''),
      el('td', {class: 'json'}, op.objectOld || ''),
      el('td', {class: 'json'}, op.objectLatest || '')))))
    : el('p', {class: 'muted'}, 'Nothing recorded yet.'));
}

// ---- alerts ----

async function alertsPage(generation) {
  const channels = await api('GET', '/api/v1/alert-channels');
  if (!current(generation)) return;
  const channelRows = channels.map(c => el('tr', {'data-channel': c.name},
    el('td', {}, c.name), el('td', {}, c.type), el('td', {}, c.url || (c.mailTo || []).join(', ')),
    el('td', {}, c.rateLimit ? `${c.rateLimit} per ${c.rateWindow}` : '—'),
    el('td', {}, (c.silence || []).join(', ') || '—'),
    el('td', {}, el('button', {type: 'button', class: 'secondary', onclick: async () => {
      try {
        const queued = await api('POST', `/api/v1/alert-channels/${encodeURIComponent(c.name)}/test`, {});
        flash(`Test alert ${queued.alertId} queued for ${c.name}; its status shows below.`);
      } catch (e) {
        flash(e.message, true);
      }
    }}, 'Send test alert'))));
  const history = el('tbody', {});
  show(el('h1', {}, 'Alerts'),
    el('h2', {}, 'Channels'),
    channels.length
      ? el('table', {id: 'alert-channels'}, el('thead', {}, el('tr', {}, ['Name', 'Type', 'Address', 'Rate limit', 'Silence', '']
          .map(h => el('th', {}, h)))), el('tbody', {}, channelRows))
      : el('p', {class: 'muted'}, 'No channel configured (schedulerx-server.alerting.channels); alerts go to robot URLs in jobs\' contacts.'),
    el('h2', {}, 'History'),
    el('table', {id: 'alerts'}, el('thead', {}, el('tr', {}, ['#', 'Kind', 'Job', 'Instance', 'Target', 'Status', 'Attempts',
      'Raised', 'Sent', 'Last error'].map(h => el('th', {}, h)))), history));
  await every(3000, generation, async () => {
    const alerts = await api('GET', '/api/v1/alerts?limit=100');
    if (!current(generation)) return false;
    history.replaceChildren(...alerts.map(a => el('tr', {'data-alert': a.id},
      el('td', {}, String(a.id)), el('td', {}, a.kind), el('td', {}, a.jobName || '—'),
      el('td', {}, a.instanceId ? el('a', {href: '#/instances/' + a.instanceId}, '#' + a.instanceId) : '—'),
      el('td', {}, a.target), el('td', {class: 'alert-' + a.status.toLowerCase()}, a.status), el('td', {}, String(a.attempts)),
      el('td', {}, fmtTime(a.createdAt)), el('td', {}, a.sentAt ? fmtTime(a.sentAt) : '—'), el('td', {}, a.lastError || ''))));
  });
}

// ---- start ----

document.getElementById('forget-token').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  showForgetToken();
  flash('Token forgotten for this tab.');
});
document.getElementById('token-dialog').addEventListener('cancel', event => event.preventDefault());
window.addEventListener('hashchange', () => {
  // A message set just before a navigation ("instance 7 triggered") belongs to the new page.
  if (Date.now() - flashShownAt > 1000) flash('');
  route();
});
showForgetToken();
if (!location.hash) history.replaceState(null, '', '#/jobs');
route();
