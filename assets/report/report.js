/* parkplan report: the page's one script. Works offline on the page's own data (the
   #pp-data JSON block): the maps pan and zoom and answer hovers and clicks on parcels and
   sites; clicking an enterprise's row highlights its parcel and its current site; tables sort
   by any column and filter by text; the search box finds an enterprise by id or name. The
   page reads and prints the same without it. No network, no dependencies. */
(function () {
  'use strict';
  var dataEl = document.getElementById('pp-data');
  if (!dataEl) return;
  var D = JSON.parse(dataEl.textContent);
  var L = D.labels || {};
  var parcels = D.parcels || {};
  var ents = D.ents || {};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function index(selector, attr) {
    var out = {};
    document.querySelectorAll(selector).forEach(function (n) {
      var k = n.getAttribute(attr);
      (out[k] = out[k] || []).push(n);
    });
    return out;
  }
  var shapes = index('.hits path[data-id]', 'data-id');
  var sites = index('.hits circle[data-site]', 'data-site');
  var rows = index('tr[data-ent]', 'data-ent');
  var parcelRows = index('tr[data-parcel]', 'data-parcel');

  /* ---- tooltips ---- */
  function line(box, label, value) {
    var d = el('div');
    d.appendChild(el('span', null, label + '：'));
    d.appendChild(document.createTextNode(value));
    box.appendChild(d);
  }
  function parcelInfo(tip, id) {
    var p = parcels[id] || {};
    tip.textContent = '';
    tip.appendChild(el('b', null, (L.parcel || 'parcel') + ' ' + id));
    if (p.mu) line(tip, L.area, p.mu + ' ' + (L.mu || ''));
    if (p.use) line(tip, L.land_use, p.use);
    if (p.cluster) line(tip, L.cluster, p.cluster);
    if (p.status) line(tip, L.status, p.status);
    (p.placed || []).forEach(function (x) {
      line(tip, L.placed, x.id + ' ' + x.name + '（' + L.weight + ' ' + x.weight + '）');
    });
    if (p.why) line(tip, L.empty, p.why);
  }
  function siteInfo(tip, id) {
    var e = ents[id] || {};
    tip.textContent = '';
    tip.appendChild(el('b', null, id + ' ' + (e.name || '')));
    if (e.cls) line(tip, L.class, e.cls);
    if (e.action) line(tip, L.action, e.action);
    if (e.parcel) line(tip, L.parcel, e.parcel);
  }

  /* ---- maps: pan, zoom, hover, click ---- */
  var tips = [];
  document.querySelectorAll('.map').forEach(function (box) {
    var svg = box.querySelector('svg');
    if (!svg || !svg.viewBox || !svg.viewBox.baseVal) return;
    var b = svg.viewBox.baseVal;
    var full = [b.x, b.y, b.width, b.height];
    var vb = full.slice();
    var tip = el('div', 'tip');
    tip.hidden = true;
    box.appendChild(tip);
    tips.push(tip);
    box.tip = tip;
    function apply() { svg.setAttribute('viewBox', vb.join(' ')); }
    function toSvg(x, y) {
      var r = svg.getBoundingClientRect();
      return [vb[0] + (x - r.left) / r.width * vb[2], vb[1] + (y - r.top) / r.height * vb[3]];
    }
    function zoom(f, cx, cy) {
      var w = vb[2] * f;
      if (w >= full[2]) { vb = full.slice(); apply(); return; }
      if (w < full[2] / 50) return;
      vb = [cx - (cx - vb[0]) * f, cy - (cy - vb[1]) * f, w, vb[3] * f];
      apply();
    }
    box.zoomTo = function (node) {
      var bb = node.getBBox();
      var w = Math.max(bb.width, bb.height) * 8;
      var f = Math.min(1, w / full[2]);
      vb = [bb.x + bb.width / 2 - full[2] * f / 2, bb.y + bb.height / 2 - full[3] * f / 2, full[2] * f, full[3] * f];
      apply();
    };
    svg.addEventListener('wheel', function (e) {
      e.preventDefault();
      var p = toSvg(e.clientX, e.clientY);
      zoom(e.deltaY < 0 ? 0.8 : 1.25, p[0], p[1]);
    }, { passive: false });
    var drag = null;
    svg.addEventListener('pointerdown', function (e) {
      if (e.button !== 0) return;
      e.preventDefault(); // no text selection or native drag while panning
      drag = { x: e.clientX, y: e.clientY, vb: vb.slice(), moved: false };
    });
    svg.addEventListener('pointermove', function (e) {
      if (!drag) return;
      var r = svg.getBoundingClientRect();
      var dx = (e.clientX - drag.x) / r.width * vb[2];
      var dy = (e.clientY - drag.y) / r.height * vb[3];
      if (Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) > 4) drag.moved = true;
      if (drag.moved) { vb[0] = drag.vb[0] - dx; vb[1] = drag.vb[1] - dy; apply(); }
    });
    window.addEventListener('pointerup', function () {
      if (drag && drag.moved) box.dragged = true;
      drag = null;
    });
    var bar = el('div', 'zoom');
    [['+', L.zoom_in, function () { zoom(0.7, vb[0] + vb[2] / 2, vb[1] + vb[3] / 2); }],
     ['−', L.zoom_out, function () { zoom(1.4, vb[0] + vb[2] / 2, vb[1] + vb[3] / 2); }],
     ['⟲', L.zoom_reset, function () { vb = full.slice(); apply(); }]].forEach(function (x) {
      var btn = el('button', null, x[0]);
      btn.type = 'button';
      btn.title = x[1] || '';
      btn.setAttribute('aria-label', x[1] || x[0]);
      btn.addEventListener('click', x[2]);
      bar.appendChild(btn);
    });
    box.insertBefore(bar, box.firstChild);
    function place(e) {
      var r = box.getBoundingClientRect();
      var x = e.clientX - r.left + 14, y = e.clientY - r.top + 14;
      tip.style.left = Math.min(x, r.width - 300) + 'px';
      tip.style.top = y + 'px';
    }
    box.querySelectorAll('.hits path[data-id]').forEach(function (p) {
      var id = p.getAttribute('data-id');
      p.addEventListener('mouseenter', function (e) {
        if (box.pinned) return;
        parcelInfo(tip, id); tip.hidden = false; place(e);
      });
      p.addEventListener('mousemove', function (e) { if (!box.pinned) place(e); });
      p.addEventListener('mouseleave', function () { if (!box.pinned) tip.hidden = true; });
      p.addEventListener('click', function (e) {
        if (box.dragged) { box.dragged = false; return; }
        var placed = (parcels[id] || {}).placed || [];
        highlight(placed.length ? placed[0].id : null, id);
        parcelInfo(tip, id); tip.hidden = false; place(e); box.pinned = id;
        e.stopPropagation();
      });
    });
    box.querySelectorAll('.hits circle[data-site]').forEach(function (c) {
      var id = c.getAttribute('data-site');
      c.addEventListener('mouseenter', function (e) {
        if (box.pinned) return;
        siteInfo(tip, id); tip.hidden = false; place(e);
      });
      c.addEventListener('mouseleave', function () { if (!box.pinned) tip.hidden = true; });
      c.addEventListener('click', function (e) {
        if (box.dragged) { box.dragged = false; return; }
        highlight(id, null);
        siteInfo(tip, id); tip.hidden = false; place(e); box.pinned = id;
        e.stopPropagation();
      });
    });
    svg.addEventListener('click', function () {
      if (box.dragged) { box.dragged = false; return; }
      box.pinned = null; tip.hidden = true;
    });
  });

  /* ---- highlighting an enterprise (its rows, parcel and site) or a parcel ---- */
  var lit = [];
  function light(list) {
    (list || []).forEach(function (n) { n.classList.add('hl'); lit.push(n); });
  }
  function highlight(entId, parcelId) {
    lit.forEach(function (n) { n.classList.remove('hl'); });
    lit = [];
    var e = entId ? ents[entId] : null;
    var parcel = parcelId || (e && e.parcel) || null;
    if (entId) { light(rows[entId]); light(sites[entId]); }
    if (parcel) { light(shapes[parcel]); light(parcelRows[parcel]); }
    document.querySelectorAll('.map').forEach(function (box) {
      var shape = parcel && box.querySelector('.hits path.hl');
      var site = box.querySelector('.hits circle.hl');
      var target = box.getAttribute('data-map') === 'relocation' ? (site || shape) : shape;
      if (!target || !box.tip) return;
      if (box.getAttribute('data-map') === 'relocation' && target === site) siteInfo(box.tip, entId);
      else parcelInfo(box.tip, parcel);
      var r = box.getBoundingClientRect(), t = target.getBoundingClientRect();
      box.tip.style.left = Math.min(t.right - r.left + 8, r.width - 300) + 'px';
      box.tip.style.top = (t.top - r.top) + 'px';
      box.tip.hidden = false;
      box.pinned = entId || parcel;
    });
  }
  document.querySelectorAll('tr[data-ent], tr[data-parcel]').forEach(function (tr) {
    tr.addEventListener('click', function () {
      highlight(tr.getAttribute('data-ent'), tr.getAttribute('data-parcel'));
    });
  });

  /* ---- tables: sort by any column, filter by text ---- */
  function cellKey(td, numeric) {
    var s = td ? td.textContent.trim() : '';
    if (!numeric) return s;
    if (s === 'inf' || s === '∞') return Infinity;
    var v = parseFloat(s.replace(/[^0-9eE.+-]/g, ''));
    return isNaN(v) ? -Infinity : v;
  }
  document.querySelectorAll('table.data').forEach(function (t) {
    var body = t.tBodies[0];
    if (!body || !t.tHead) return;
    var heads = Array.prototype.slice.call(t.tHead.rows[0].cells);
    heads.forEach(function (th, i) {
      th.classList.add('sortable');
      th.title = L.sort_hint || '';
      th.addEventListener('click', function () {
        var numeric = th.classList.contains('num');
        var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
        heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
        var list = Array.prototype.slice.call(body.rows);
        list.sort(function (a, b) {
          var x = cellKey(a.cells[i], numeric), y = cellKey(b.cells[i], numeric);
          var c = numeric ? (x < y ? -1 : x > y ? 1 : 0) : String(x).localeCompare(String(y), 'zh-CN', { numeric: true });
          return c * dir;
        });
        list.forEach(function (r) { body.appendChild(r); });
      });
    });
    if (body.rows.length >= 8) {
      var f = el('input', 'filter');
      f.type = 'search';
      f.placeholder = L.filter || '';
      f.setAttribute('aria-label', L.filter || 'filter');
      f.addEventListener('input', function () {
        var q = f.value.trim().toLowerCase();
        Array.prototype.forEach.call(body.rows, function (r) {
          r.hidden = q !== '' && r.textContent.toLowerCase().indexOf(q) < 0;
        });
      });
      var wrap = t.parentNode;
      wrap.parentNode.insertBefore(f, wrap);
    }
  });

  /* ---- search: an enterprise by id or name ---- */
  var nav = document.getElementById('toc');
  if (nav) {
    var span = el('span', 'searchbox');
    span.style.position = 'relative';
    var input = el('input', 'search');
    input.type = 'search';
    input.id = 'pp-search';
    input.placeholder = L.search || '';
    input.setAttribute('aria-label', L.search || 'search');
    var results = el('div', 'results');
    results.hidden = true;
    span.appendChild(input);
    span.appendChild(results);
    nav.insertBefore(span, nav.firstChild);
    var ids = Object.keys(ents);
    function go(id) {
      results.hidden = true;
      input.value = id + ' ' + ((ents[id] || {}).name || '');
      var target = document.getElementById('sheet-' + id) || (rows[id] || [])[0];
      if (target) target.scrollIntoView({ block: 'center' });
      highlight(id, null);
    }
    function find() {
      var q = input.value.trim().toLowerCase();
      results.textContent = '';
      if (!q) { results.hidden = true; return []; }
      var found = ids.filter(function (id) {
        return id.toLowerCase().indexOf(q) >= 0 || (ents[id].name || '').toLowerCase().indexOf(q) >= 0;
      }).slice(0, 12);
      found.forEach(function (id) {
        var a = el('a', null, id + ' ' + (ents[id].name || ''));
        a.href = '#';
        a.setAttribute('data-ent', id);
        a.addEventListener('click', function (e) { e.preventDefault(); go(id); });
        results.appendChild(a);
      });
      if (!found.length) results.appendChild(el('div', null, L.no_match || ''));
      results.hidden = false;
      return found;
    }
    input.addEventListener('input', find);
    input.addEventListener('keydown', function (e) {
      if (e.key === 'Enter') { var f = find(); if (f.length) go(f[0]); }
      if (e.key === 'Escape') results.hidden = true;
    });
  }
})();
