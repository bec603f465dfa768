// ExecKPI dashboard: draws the charts whose ECharts options the server embedded next to them, and wires the
// operator actions of the jobs pages to the job control API. No data is computed here.
(function () {
  'use strict';

  var TOKEN_KEY = 'execkpi.token';
  var formats = {
    percent: function (v) { return v == null ? '–' : (v * 100).toFixed(2) + ' %'; },
    money: function (v) { return v == null ? '–' : '$' + Number(v).toLocaleString('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 2}); },
    integer: function (v) { return v == null ? '–' : Math.round(v).toLocaleString('en-US'); },
    number: function (v) { return v == null ? '–' : Number(v).toLocaleString('en-US', {maximumFractionDigits: 4}); }
  };

  function drawCharts() {
    if (typeof echarts === 'undefined') { return; }
    document.querySelectorAll('.chart').forEach(function (el) {
      var source = document.getElementById(el.id + '-option');
      if (!source) { return; }
      var option = JSON.parse(source.textContent);
      var format = formats[el.dataset.format] || formats.number;
      if (option.tooltip) { option.tooltip.valueFormatter = format; }
      if (option.yAxis && option.yAxis.type === 'value' && el.dataset.format === 'percent') {
        option.yAxis.axisLabel = {formatter: function (v) { return (v * 100).toFixed(0) + ' %'; }};
      }
      if (option.visualMap && el.dataset.format === 'percent') {
        // the scale's ends and handles in percent, as the cells are
        option.visualMap.formatter = function (v) { return Math.round(v * 100) + ' %'; };
      }
      (option.series || []).forEach(function (series) {
        if (series.type === 'heatmap') {
          // cells are [week, cohort index, rate]: show the rate as a percentage, in the cell and on hover
          series.label = Object.assign({}, series.label, {formatter: function (p) { return Math.round(p.value[2] * 100) + ' %'; }});
          option.tooltip = {position: 'top', formatter: function (p) {
            return 'cohort ' + option.yAxis.data[p.value[1]] + ', week ' + option.xAxis.data[p.value[0]] + ': '
              + (p.value[2] * 100).toFixed(1) + ' % retained (' + p.value[3] + ' of ' + p.value[4] + ' users active)';
          }};
        }
      });
      // heatmap cell labels only where a cell is wide enough for "100 %" (not at phone width: hover has the numbers)
      var heatmap = (option.series || []).filter(function (s) { return s.type === 'heatmap'; })[0];
      var cellLabels = !!(heatmap && heatmap.label && heatmap.label.show);
      function fitCellLabels() {
        if (heatmap) { heatmap.label.show = cellLabels && el.clientWidth >= 640; }
      }
      fitCellLabels();
      var chart = echarts.init(el, null, {renderer: 'svg'});
      chart.setOption(option);
      window.addEventListener('resize', function () {
        if (heatmap) { fitCellLabels(); chart.setOption({series: [{label: {show: heatmap.label.show}}]}); }
        chart.resize();
      });
    });
  }

  // ---- operator actions (jobs pages) ----
  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  function enableActions() {
    var has = !!token();
    document.querySelectorAll('button.operator').forEach(function (b) {
      b.disabled = !has;
      b.title = has ? '' : 'Enter the operator token first';
    });
    var state = document.getElementById('token-state');
    if (state) {
      state.textContent = has ? 'Operator token set for this tab (session storage only). Actions are enabled.'
        : 'Without the operator token the actions below are disabled. It is kept in this tab\'s session storage only and sent as a bearer token; no cookie is set.';
    }
  }

  function call(method, url, body) {
    var headers = {'Authorization': 'Bearer ' + token(), 'Accept': 'application/json'};
    if (body !== undefined) { headers['Content-Type'] = 'application/json'; }
    return fetch(url, {method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit'}).then(function (r) {
      return r.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
        return {ok: r.ok, status: r.status, json: json};
      });
    });
  }

  function show(el, result, success) {
    if (!el) { return; }
    el.className = 'action-result ' + (result.ok ? 'good' : 'bad');
    el.textContent = result.ok ? success(result.json)
      : 'HTTP ' + result.status + ': ' + ((result.json && (result.json.detail || result.json.title)) || 'failed');
  }

  function wireOperator() {
    var form = document.getElementById('token-form');
    if (!form) { return; }
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var v = document.getElementById('token-input').value.trim();
      if (v) { sessionStorage.setItem(TOKEN_KEY, v); }
      document.getElementById('token-input').value = '';
      enableActions();
    });
    document.getElementById('token-forget').addEventListener('click', function () {
      sessionStorage.removeItem(TOKEN_KEY);
      enableActions();
    });
    document.querySelectorAll('button[data-action]').forEach(function (b) {
      b.addEventListener('click', function () {
        var out = document.getElementById('action-result') || document.getElementById('launch-result');
        b.disabled = true;
        call('POST', '/api/jobs/executions/' + b.dataset.id + '/' + b.dataset.action).then(function (r) {
          show(out, r, function (j) { return b.dataset.action + ': execution ' + j.id + ' is ' + j.status; });
          if (r.ok && r.json) { window.location.assign('/jobs/executions/' + r.json.id); } else { enableActions(); }
        });
      });
    });
    var launch = document.getElementById('launch-form');
    if (launch) {
      launch.addEventListener('submit', function (e) {
        e.preventDefault();
        var body = {};
        ['date', 'from', 'to'].forEach(function (k) {
          var v = document.getElementById('launch-' + k).value;
          if (v) { body[k] = v; }
        });
        if (document.getElementById('launch-rerun').checked) { body.rerun = true; }
        if (document.getElementById('launch-retrain').checked) { body.retrain = true; }
        var job = document.getElementById('launch-job').value;
        call('POST', '/api/jobs/' + encodeURIComponent(job) + '/executions', body).then(function (r) {
          show(document.getElementById('launch-result'), r, function (j) { return 'Started execution ' + j.id; });
          if (r.ok && r.json) { window.location.assign('/jobs/executions/' + r.json.id); }
        });
      });
    }
    enableActions();
  }

  // ---- live progress of a running execution ----
  function watchExecution() {
    var main = document.querySelector('main[data-execution]');
    var status = document.getElementById('exec-status');
    if (!main || !status) { return; }
    var running = ['STARTING', 'STARTED', 'STOPPING'];
    if (running.indexOf(status.textContent.trim()) < 0) { return; }
    var timer = setInterval(function () {
      fetch('/api/jobs/executions/' + main.dataset.execution, {headers: {'Accept': 'application/json'}, credentials: 'omit'})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (e) {
          if (!e) { return; }
          if (e.status !== status.textContent.trim() || e.steps.length !== document.querySelectorAll('#steps tbody tr').length) {
            clearInterval(timer);
            window.location.reload();
            return;
          }
          e.steps.forEach(function (s) {
            var row = document.querySelector('#steps tr[data-step="' + s.name + '"] progress');
            if (row && s.progress != null) { row.value = s.progress; }
          });
        });
    }, 2000);
  }

  document.addEventListener('DOMContentLoaded', function () {
    drawCharts();
    // a filter selector applies itself when a value is chosen (its button is for pages without scripts)
    document.querySelectorAll('select[data-submit]').forEach(function (select) {
      select.addEventListener('change', function () { select.form.submit(); });
    });
    wireOperator();
    watchExecution();
  });
})();
