// Workflow pages of the console: the list, a workflow (its DAG, runs, run now, DAG by pasted JSON) and a run drawn as
// a DAG whose nodes are coloured by state and refreshed live. Loaded before console.js, whose helpers (el, api, show,
// every, current, flash, stateBadge, fmtTime) it uses when a page is shown.
'use strict';

const NODE_FILL = {SUCCESS: '#dcfce7', FAILED: '#fee2e2', KILLED: '#fee2e2', RUNNING: '#fef3c7', WAITING: '#f1f5f9',
  SKIPPED: '#e0e7ff'};

/** #/workflows, #/workflows/ID, #/workflow-instances/ID. */
function workflowsRoute(parts, generation) {
  if (parts[0] === 'workflow-instances' && parts[1]) return workflowRunPage(parts[1], generation);
  if (parts[1]) return workflowPage(parts[1], generation);
  return workflowListPage(generation);
}

async function workflowListPage(generation) {
  const list = await api('GET', '/api/v1/workflows');
  if (!current(generation)) return;
  show(el('h1', {}, 'Workflows'),
    list.length === 0 ? el('p', {class: 'muted'}, 'No workflows yet: create one below, POST /api/v1/workflows or the OpenAPI CreateWorkflow.')
      : el('table', {},
        el('thead', {}, el('tr', {}, ['ID', 'Name', 'Group', 'Schedule', 'Enabled', 'On failure', 'Nodes'].map(h => el('th', {}, h)))),
        el('tbody', {}, list.map(w => el('tr', {},
          el('td', {}, w.id),
          el('td', {}, el('a', {href: '#/workflows/' + w.id}, w.name)),
          el('td', {}, w.group),
          el('td', {}, w.timeType + (w.timeExpression ? ' ' + w.timeExpression : '')),
          el('td', {}, w.enabled ? 'yes' : 'no'),
          el('td', {}, w.failurePolicy),
          el('td', {}, w.dag.nodes.map(n => n.jobName).join(', ')))))),
    el('h2', {}, 'New workflow'), workflowForm(null));
}

/**
 * Creates a workflow, or (with {@code w}) edits one: its settings and its DAG, typed as the DAG JSON (job ids; a
 * condition node and per-node parameters as the README shows). Saved with POST /api/v1/workflows, which creates or
 * updates by group and name and refuses a bad DAG before anything changes.
 */
function workflowForm(w) {
  const spec = w || {timeType: 'api', maxConcurrency: 1, concurrencyPolicy: 'skip', failurePolicy: 'block-descendants',
    enabled: false, dagJson: '{"nodes":[],"edges":[]}'};
  const field = (name, label, type) => el('label', {}, label,
    el('input', {name, type: type || 'text', value: spec[name] ?? '', disabled: Boolean(w && (name === 'group' || name === 'name')),
      required: name === 'group' || name === 'name', min: type === 'number' ? 1 : undefined}));
  const choice = (name, label, options) => el('label', {}, label,
    el('select', {name}, options.map(o => el('option', {value: o, selected: o === spec[name]}, o))));
  const wide = (name, label) => el('label', {class: 'wide'}, label, el('input', {name, type: 'text', value: spec[name] ?? ''}));
  const form = el('form', {class: 'job', id: 'workflow-form'},
    field('group', 'Group'), field('name', 'Name'),
    choice('timeType', 'Time type', ['api', 'cron']),
    field('timeExpression', 'Cron expression (with seconds)'), field('timeZone', 'Time zone (empty = server zone)'),
    field('maxConcurrency', 'Max concurrency', 'number'),
    choice('concurrencyPolicy', 'Over max concurrency', ['skip', 'queue']),
    choice('failurePolicy', 'On failure', ['block-descendants', 'fail-fast']),
    field('description', 'Description'),
    wide('monitorConfig', 'Alert rules: monitorConfig (JSON, e.g. {"failEnable":true}; empty = the group\'s)'),
    wide('contact', 'Alert contacts: contact (JSON, e.g. [{"ding":"ops-ding"}]; empty = the group\'s)'),
    el('label', {class: 'wide'}, 'DAG (JSON, job ids)',
      el('textarea', {name: 'dag', id: 'workflow-dag', rows: 5, cols: 80}, spec.dagJson)),
    el('label', {class: 'check wide'}, el('input', {type: 'checkbox', name: 'enabled', checked: spec.enabled}), 'Enabled'),
    el('div', {class: 'actions'}, el('button', {type: 'submit', id: 'save-workflow'}, w ? 'Save' : 'Create workflow')));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const values = {};
    for (const input of form.querySelectorAll('input, select, textarea')) {
      if (input.type === 'checkbox') values[input.name] = input.checked;
      else if (input.type === 'number') values[input.name] = input.value === '' ? null : Number(input.value);
      else if (input.name === 'monitorConfig' || input.name === 'contact') values[input.name] = input.value; // '' clears
      else if (input.value !== '' || w) values[input.name] = input.value === '' ? null : input.value;
    }
    try {
      values.dag = JSON.parse(values.dag || '{"nodes":[],"edges":[]}');
    } catch (e) {
      flash('The DAG is not valid JSON: ' + e.message, true);
      return;
    }
    try {
      const saved = await api('POST', '/api/v1/workflows', values);
      flash(`Workflow ${saved.name} saved.`);
      const target = '#/workflows/' + saved.id;
      if (location.hash === target) route(); // same page: show it again with what was saved
      else location.hash = target;
    } catch (e) {
      flash(e.message, true);
    }
  });
  return form;
}

async function workflowPage(id, generation) {
  const w = await api('GET', '/api/v1/workflows/' + encodeURIComponent(id));
  const runs = await api('GET', `/api/v1/workflows/${w.id}/instances?limit=20`);
  if (!current(generation)) return;
  const dagText = el('textarea', {id: 'dag-json', rows: 4, cols: 80}, w.dagJson);
  const nodes = w.dag.nodes.map(n => ({key: n.id, label: nodeLabel(n, n.jobName || String(n.id)),
    state: w.enabled ? 'WAITING' : 'SKIPPED'}));
  show(el('h1', {}, 'Workflow ' + w.name,
      el('button', {type: 'button', id: 'run-workflow', onclick: async () => {
        const run = await api('POST', `/api/v1/workflows/${w.id}/run`, {parameters: ''});
        location.hash = '#/workflow-instances/' + run.id;
      }}, 'Run now'),
      el('button', {type: 'button', class: 'secondary', onclick: async () => {
        await api('POST', `/api/v1/workflows/${w.id}/${w.enabled ? 'disable' : 'enable'}`);
        workflowPage(id, generation);
      }}, w.enabled ? 'Disable' : 'Enable')),
    el('p', {class: 'muted'}, `group ${w.group} · ${w.timeType}${w.timeExpression ? ' ' + w.timeExpression : ''}` +
      ` · max concurrency ${w.maxConcurrency} (${w.concurrencyPolicy}) · ${w.failurePolicy}`),
    dagSvg(nodes, w.dag.edges.map(e => [e.source, e.target])),
    el('h2', {}, 'DAG (JSON, job ids)'), dagText,
    el('div', {}, el('button', {type: 'button', id: 'save-dag', onclick: async () => {
      try {
        await api('PUT', `/api/v1/workflows/${w.id}/dag`, JSON.parse(dagText.value));
        flash('DAG saved');
        workflowPage(id, generation);
      } catch (e) {
        flash(e.message, true);
      }
    }}, 'Save DAG')),
    el('details', {}, el('summary', {}, 'Edit settings'), workflowForm(w)),
    el('h2', {}, 'Runs'),
    el('table', {},
      el('thead', {}, el('tr', {}, ['Run', 'State', 'Trigger', 'Scheduled', 'Finished', 'Reason'].map(h => el('th', {}, h)))),
      el('tbody', {}, runs.map(r => el('tr', {},
        el('td', {}, el('a', {href: '#/workflow-instances/' + r.id}, '#' + r.id)),
        el('td', {}, stateBadge(r.state)), el('td', {}, r.trigger), el('td', {}, fmtTime(r.scheduleTime)),
        el('td', {}, fmtTime(r.finishedAt)), el('td', {}, r.reason || ''))))));
}

async function workflowRunPage(id, generation) {
  return every(1000, generation, async () => {
    const run = await api('GET', '/api/v1/workflow-instances/' + encodeURIComponent(id));
    if (!current(generation)) return false;
    const action = (name) => el('button', {type: 'button', class: 'secondary', 'data-action': name, onclick: async () => {
      try {
        await api('POST', `/api/v1/workflow-instances/${run.id}/${name}`);
      } catch (e) {
        flash(e.message, true);
      }
    }}, name);
    const byJob = new Map(run.nodes.map(n => [n.jobId, n]));
    const nodes = run.nodes.map(n => ({key: n.jobId, label: nodeLabel(n, n.jobName) + (n.type === 'condition' && n.result ? ' = ' + n.result : ''), state: n.state,
      href: n.jobInstanceId ? '#/instances/' + n.jobInstanceId : null}));
    show(el('h1', {}, `Workflow run #${run.id} `, stateBadge(run.state), run.suspended ? ' (suspended)' : ''),
      el('p', {}, el('a', {href: '#/workflows/' + run.workflowId}, 'workflow ' + run.workflowId),
        ` · ${run.trigger} · scheduled ${fmtTime(run.scheduleTime)}` + (run.reason ? ' · ' + run.reason : '')),
      el('div', {class: 'actions'}, ['stop', 'retry', 'suspend', 'resume', 'set-success'].map(action)),
      dagSvg(nodes, run.edges.map(e => [e.source, e.target])),
      el('table', {},
        el('thead', {}, el('tr', {}, ['Node', 'State', 'Instance', 'Result'].map(h => el('th', {}, h)))),
        el('tbody', {}, run.nodes.map(n => el('tr', {},
          el('td', {}, n.jobName), el('td', {}, stateBadge(n.state), n.skipRequested ? ' (to skip)' : ''),
          el('td', {}, n.jobInstanceId ? el('a', {href: '#/instances/' + n.jobInstanceId}, '#' + n.jobInstanceId) : '—'),
          el('td', {}, n.result || ''))))));
    return !FINISHED.has(run.state) || byJob.size === 0;
  });
}

/** A condition node (beyond SchedulerX) is marked with a diamond; its run label shows its decision. */
function nodeLabel(n, name) {
  return n.type === 'condition' ? '◇ ' + name : name;
}

/** The DAG as SVG: one column per depth (longest path from a root), nodes as boxes coloured by state. */
function dagSvg(nodes, edges) {
  const NS = 'http://www.w3.org/2000/svg';
  const depth = new Map(nodes.map(n => [n.key, 0]));
  for (let pass = 0; pass < nodes.length; pass++) {
    for (const [s, t] of edges) depth.set(t, Math.max(depth.get(t) || 0, (depth.get(s) || 0) + 1));
  }
  const columns = new Map();
  for (const n of nodes) {
    const d = depth.get(n.key) || 0;
    if (!columns.has(d)) columns.set(d, []);
    columns.get(d).push(n);
  }
  const W = 150, H = 40, GX = 70, GY = 20;
  const pos = new Map();
  let maxRows = 1;
  for (const [d, col] of columns) {
    maxRows = Math.max(maxRows, col.length);
    col.forEach((n, i) => pos.set(n.key, {x: 10 + d * (W + GX), y: 10 + i * (H + GY)}));
  }
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('class', 'dag');
  svg.setAttribute('width', 20 + Math.max(1, columns.size) * (W + GX));
  svg.setAttribute('height', 20 + maxRows * (H + GY));
  const make = (tag, attrs) => {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    return node;
  };
  for (const [s, t] of edges) {
    const a = pos.get(s), b = pos.get(t);
    if (a && b) svg.append(make('line', {x1: a.x + W, y1: a.y + H / 2, x2: b.x, y2: b.y + H / 2, stroke: '#94a3b8', 'stroke-width': 2}));
  }
  for (const n of nodes) {
    const p = pos.get(n.key);
    const group = make('g', {'data-node': n.label, 'data-state': n.state});
    group.append(make('rect', {x: p.x, y: p.y, width: W, height: H, rx: 6, fill: NODE_FILL[n.state] || '#f1f5f9', stroke: '#475569'}));
    const text = make('text', {x: p.x + 8, y: p.y + 25, 'font-size': 13});
    text.textContent = `${n.label} · ${n.state}`;
    group.append(text);
    if (n.href) {
      const link = make('a', {href: n.href});
      link.append(group);
      svg.append(link);
    } else {
      svg.append(group);
    }
  }
  return svg;
}
