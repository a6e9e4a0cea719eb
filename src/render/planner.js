
// The planning tool of synthese.html (see src/render/planner.rs and
// src/analysis/whatif.rs): decodes the embedded costs once, then recomputes
// each commune's cost to its nearest open site after every change, by the
// rules of `maillage scenario`, and the figures of the perimeter.
(function(){
  var el = document.getElementById('donnees-simulation');
  if (!el) return;
  var D = JSON.parse(el.textContent);
  var C = D.communes, N = C.jeunes.length, S = D.sites, P = D.points.id.length;
  var CM = D.quantum === 'cm';
  // ---- the costs: per point, its communes and costs in quanta ----
  var bin = atob(D.couts), bytes = new Uint8Array(bin.length);
  for (var b = 0; b < bin.length; b++) bytes[b] = bin.charCodeAt(b);
  var at = 0;
  function vi(){ var x = 0, m = 1, v; do { v = bytes[at++]; x += (v & 127) * m; m *= 128; } while (v & 128); return x; }
  // Part 2: each point's pairs; part 3: the town halls' pairs stored once
  // for both ways (see analysis::whatif::encode).
  var symmetric = vi() === 1, first = 0, nMairies = 0;
  if (symmetric) { first = vi(); nMairies = vi(); }
  var tp = [], tc = [], tq = [];
  for (var p = 0; p < P; p++) {
    var n = vi(), last = -1;
    for (var k = 0; k < n; k++) { last += vi(); tp.push(p); tc.push(last); tq.push(vi()); }
  }
  for (var j = 0; j < nMairies; j++) {
    n = vi(); last = j;
    for (k = 0; k < n; k++) {
      last += vi(); var q0 = vi();
      tp.push(first + j); tc.push(last); tq.push(q0);
      tp.push(first + last); tc.push(j); tq.push(q0);
    }
  }
  bytes = null;
  // Grouped by point.
  var total = tp.length, pStart = new Int32Array(P + 1), count = new Int32Array(N);
  for (k = 0; k < total; k++) { pStart[tp[k] + 1]++; count[tc[k]]++; }
  for (p = 0; p < P; p++) pStart[p + 1] += pStart[p];
  var pc = new Int32Array(total), pq = new Float64Array(total), at2 = pStart.slice(0, P);
  for (k = 0; k < total; k++) { var f0 = at2[tp[k]]++; pc[f0] = tc[k]; pq[f0] = tq[k]; }
  tp = tc = tq = null;
  // Transposed: per commune, the points within reach.
  var cStart = new Int32Array(N + 1);
  for (var i = 0; i < N; i++) cStart[i + 1] = cStart[i] + count[i];
  var cPoint = new Int32Array(total), cCode = new Float64Array(total), fill = cStart.slice(0, N);
  for (p = 0; p < P; p++) for (k = pStart[p]; k < pStart[p + 1]; k++) {
    var c = pc[k], f = fill[c]++;
    cPoint[f] = p; cCode[f] = pq[k];
  }
  var pairCommune = pc;
  pq = null;
  // ---- the perimeter and its rows ----
  var inP = new Uint8Array(N);
  if (D.perimetre.communes === null) inP.fill(1); else D.perimetre.communes.forEach(function(i){ inP[i] = 1; });
  var rows = [{nom: D.perimetre.nom, type: 'perimetre', membres: []}];
  var depRow = {}, mlRow = {};
  for (i = 0; i < N; i++) if (inP[i]) {
    rows[0].membres.push(i);
    var d = C.dep[i], m = C.ml[i];
    if (!(d in depRow)) depRow[d] = {nom: D.deps[d][1], code: D.deps[d][0], type: 'departement', membres: []};
    if (!(m in mlRow)) mlRow[m] = {nom: D.mls[m][1], code: D.mls[m][0], type: 'ml', membres: []};
    depRow[d].membres.push(i); mlRow[m].membres.push(i);
  }
  D.deps.forEach(function(_, k){ if (k in depRow && depRow[k].membres.length < rows[0].membres.length) rows.push(depRow[k]); });
  D.mls.forEach(function(_, k){ if (k in mlRow && mlRow[k].membres.length < rows[0].membres.length) rows.push(mlRow[k]); });
  var rowsOf = [];
  for (i = 0; i < N; i++) rowsOf.push([]);
  rows.forEach(function(r, k){ r.membres.forEach(function(i){ rowsOf[i].push(k); }); });
  var T = D.seuils, nT = T.length, mainK = 0;
  T.forEach(function(t, k){ if (t.cout === D.principal.cout) mainK = k; });
  // ---- state ----
  var open = new Uint8Array(P);           // points open now
  for (p = 0; p < S; p++) open[p] = 1;
  var inside = new Int32Array(N);         // open sites standing in each commune
  for (i = 0; i < N; i++) inside[i] = C.dedans[i];
  var changes = [];                       // {action:'ouvrir'|'fermer', p}
  // Per commune after: kind 0 exact value, 1 code (cm), 2 none, 3 beyond reach.
  var kind = new Uint8Array(N), val = new Float64Array(N), code = new Float64Array(N);
  function codeOf(x){ return CM ? Math.max(0, Math.ceil(x * 100)) : Math.round(x * 60000); }
  function compute(i){
    if (inside[i] > 0) { kind[i] = 0; val[i] = 0; code[i] = 0; return; }
    var best = Infinity, exact = false, s = C.site_avant[i];
    if (s >= 0 && open[s] && C.avant[i] !== null) { best = codeOf(C.avant[i]); exact = true; }
    for (var k = cStart[i]; k < cStart[i + 1]; k++) {
      if (open[cPoint[k]] && cCode[k] < best) { best = cCode[k]; exact = false; }
    }
    if (best < Infinity) {
      code[i] = best;
      if (exact) { kind[i] = 0; val[i] = C.avant[i]; }
      else if (CM) { kind[i] = 1; val[i] = best === 0 ? 0 : (best - 0.5) / 100; }
      else { kind[i] = 0; val[i] = best / 60000; }
    } else if (!C.mesuree[i] || C.avant[i] === null || s < 0) { kind[i] = 2; }
    else { kind[i] = 3; }
  }
  function within(i, t){
    if (kind[i] === 0) return val[i] <= t.cout;
    if (kind[i] === 1) return code[i] <= t.code;
    return false;
  }
  // ---- numbers as maillage writes them ----
  // Rust rounds exact ties to even, toFixed away from zero: ties are
  // detected exactly from the double's bits.
  var dv = new DataView(new ArrayBuffer(8));
  function isTie(x, d){
    dv.setFloat64(0, Math.abs(x));
    var bits = dv.getBigUint64(0), e = Number((bits >> 52n) & 0x7ffn), man = bits & ((1n << 52n) - 1n);
    if (e === 0) e = 1; else man |= 1n << 52n;
    var k = e - 1075 + 1, num = man * 10n ** BigInt(d);   // 2·x·10^d = num·2^k
    if (k > 0) return false;
    if (k === 0) return (num & 1n) === 1n;
    var div = 1n << BigInt(-k);
    return num % div === 0n && ((num / div) & 1n) === 1n;
  }
  function fixed(x, d){
    var s = Math.abs(x).toFixed(d);
    if (isTie(x, d)) {
      var last = s.charCodeAt(s.length - 1) - 48;
      if (last % 2 === 1) s = s.slice(0, -1) + String.fromCharCode(48 + last - 1);
    }
    if (x < 0 && /[1-9]/.test(s)) s = '-' + s;
    return s;
  }
  function fr(s){ // '1234.567' → '1 234,567'
    var neg = s.charAt(0) === '-'; if (neg) s = s.slice(1);
    var parts = s.split('.'), w = parts[0], o = '';
    for (var k = 0; k < w.length; k++) { if (k > 0 && (w.length - k) % 3 === 0) o += '\u00a0'; o += w.charAt(k); }
    return (neg ? '−' : '') + o + (parts.length > 1 ? ',' + parts[1] : '');
  }
  function int(n){ return fr(String(n)); }
  function shown(x){ return CM ? x / 1000 : x; }
  // ---- summaries (analysis::stats::summarise) ----
  function summary(members){
    var v = [], unknown = 0, unknownJ = 0, approx = false;
    for (var a = 0; a < members.length; a++) {
      var i = members[a], w = C.jeunes[i];
      if (kind[i] === 3) { unknown++; unknownJ += w; continue; }
      if (kind[i] === 2 || !(w > 0)) continue;
      if (kind[i] === 1) approx = true;
      v.push({x: shown(val[i]), w: w, c: code[i], k: kind[i]});
    }
    var out = {inconnues: unknown, jeunes_inconnus: unknownJ, moyenne: null, p90: null, exacte: true};
    if (unknownJ > 0 || v.length === 0) return out;
    v.sort(function(p, q){ return p.x - q.x || p.w - q.w; });
    var tot = 0, s = 0, lo = 0, hi = 0;
    for (a = 0; a < v.length; a++) tot += v[a].w;
    for (a = 0; a < v.length; a++) s += v[a].x * v[a].w;
    var mean = s / tot, txt = fixed(mean, 3);
    if (approx) {
      for (a = 0; a < v.length; a++) {
        var e = v[a];
        lo += (e.k === 1 ? shown(Math.max(0, e.c - 1) / 100) : e.x) * e.w;
        hi += (e.k === 1 ? shown(e.c / 100) : e.x) * e.w;
      }
      var l = fixed(lo / tot * (1 - 1e-12), 3), h = fixed(hi / tot * (1 + 1e-12), 3);
      if (l !== h) out.exacte = false;
    }
    out.moyenne = txt;
    // The 9th decile: by codes as the crow flies (the rounding to the
    // centimetre is monotone, so the decile's code is the code of the
    // decile), by value by network.
    var q = v.map(function(e){ return CM ? {x: e.c, w: e.w} : {x: e.x, w: e.w}; });
    if (CM) q.sort(function(p, r){ return p.x - r.x || p.w - r.w; });
    var target = 0.9 * tot, acc = 0, pick = q[q.length - 1].x;
    for (a = 0; a < q.length; a++) { acc += q[a].w; if (acc >= target * (1 - 1e-12)) { pick = q[a].x; break; } }
    out.p90 = fixed(CM ? shown(pick === 0 ? 0 : (pick - 0.5) / 100) : pick, 3);
    return out;
  }
  function figures(r){
    var f = {jeunes: 0, couverts: []}, k;
    for (k = 0; k < nT; k++) f.couverts.push(0);
    for (var a = 0; a < r.membres.length; a++) {
      var i = r.membres[a];
      f.jeunes += C.jeunes[i];
      for (k = 0; k < nT; k++) if (within(i, T[k])) f.couverts[k] += C.jeunes[i];
    }
    f.resume = summary(r.membres);
    return f;
  }
  // The state before any change.
  for (i = 0; i < N; i++) compute(i);
  var beforeKind = kind.slice(), beforeVal = val.slice(), beforeCode = code.slice();
  var before = rows.map(figures);
  var after = before;
  // ---- applying changes ----
  function touch(p, dirty){
    for (var k = pStart[p]; k < pStart[p + 1]; k++) dirty[pairCommune[k]] = 1;
    var c = D.points.commune[p]; if (c >= 0) dirty[c] = 1;
  }
  function setOpen(p, on, dirty){
    if (!!open[p] === on) return;
    open[p] = on ? 1 : 0;
    var c = D.points.commune[p];
    if (c >= 0) inside[c] += on ? 1 : -1;
    touch(p, dirty);
  }
  function state(ouvrir, fermer){
    // Sets the open points to "sites minus fermer plus ouvrir"; returns the
    // communes to recompute.
    var want = new Uint8Array(P), dirty = new Uint8Array(N), k;
    for (k = 0; k < S; k++) want[k] = 1;
    fermer.forEach(function(p){ want[p] = 0; });
    ouvrir.forEach(function(p){ want[p] = 1; });
    for (k = 0; k < P; k++) if (!!open[k] !== !!want[k]) setOpen(k, !!want[k], dirty);
    for (k = 0; k < N; k++) if (dirty[k]) compute(k);
    return dirty;
  }
  var byId = {};
  for (p = 0; p < P; p++) byId[D.points.id[p]] = p;
  function resolve(spec){
    var ouvrir = [], fermer = [];
    (spec.ouvrir || []).forEach(function(x){
      var p = byId[x];
      if (p === undefined) p = byId['mairie-' + x];
      if (p === undefined || p < S) throw new Error('maillage.simuler : aucun point où ouvrir « ' + x + ' »');
      ouvrir.push(p);
    });
    (spec.fermer || []).forEach(function(x){
      var p = byId[x];
      if (p === undefined || p >= S) throw new Error('maillage.simuler : aucun site « ' + x + ' »');
      fermer.push(p);
    });
    return {ouvrir: ouvrir, fermer: fermer};
  }
  function current(){
    var o = [], f = [];
    changes.forEach(function(c){ (c.action === 'ouvrir' ? o : f).push(c.p); });
    return {ouvrir: o, fermer: f};
  }
  function result(r0, r1){
    var num = function(s){ return s === null ? null : Number(s); };
    return {
      perimetre: D.perimetre.nom,
      seuil: D.principal.affiche,
      unite: D.unite,
      jeunes: r0.jeunes,
      jeunes_couverts_avant: r0.couverts[mainK],
      jeunes_couverts_apres: r1.couverts[mainK],
      moyenne_avant: num(r0.resume.moyenne),
      moyenne_apres: num(r1.resume.moyenne),
      p90_avant: num(r0.resume.p90),
      p90_apres: num(r1.resume.p90),
      moyenne_exacte: r1.resume.exacte,
      hors_portee: {communes: r1.resume.inconnues, jeunes: r1.resume.jeunes_inconnus, au_dela_de: D.portee.affiche}
    };
  }
  // The contract for programs: the perimeter's figures at the main
  // threshold for these changes; nothing on the screen changes.
  function simuler(spec){
    var x = resolve(spec || {});
    var keep = current();
    state(x.ouvrir, x.fermer);
    var out = result(before[0], figures(rows[0]));
    state(keep.ouvrir, keep.fermer);
    return out;
  }
  window.maillage = {simuler: simuler};
  // For tests: the ids of the sites (or with `tous`, of every point) within
  // the largest embedded threshold of commune number i.
  window.maillage.points_proches = function(i, tous){
    var out = [];
    for (var k = cStart[i]; k < cStart[i + 1]; k++) if (tous || cPoint[k] < S) out.push(D.points.id[cPoint[k]]);
    return out;
  };
  // ---- the screen ----
  var svg = document.getElementById('carte'), wrap = document.getElementById('map-wrap');
  var paths = [];
  Array.prototype.forEach.call(document.querySelectorAll('#communes path'), function(e){ paths[+e.getAttribute('data-i')] = e; });
  var original = paths.map(function(e){ return e.getAttribute('fill'); });
  var siteCircles = [];
  Array.prototype.forEach.call(document.querySelectorAll('#sites circle'), function(e){ siteCircles[+e.getAttribute('data-s')] = e; });
  var NS = svg.namespaceURI, added = {}, gNew = document.createElementNS(NS, 'g');
  gNew.setAttribute('id', 'nouveaux'); svg.appendChild(gNew);
  function colour(i){
    if (kind[i] === 2) return '#cccccc';
    for (var k = 0; k < D.bandes.length; k++) {
      var band = D.bandes[k];
      if (band[0] === null) return band[2];
      if (kind[i] === 0 ? val[i] <= band[1] : code[i] <= band[0]) return band[2];
    }
    return '#cccccc';
  }
  function changed(i){ return kind[i] !== beforeKind[i] || code[i] !== beforeCode[i] || (kind[i] === 0 && val[i] !== beforeVal[i]); }
  function costText(kd, v, cd){
    if (kd === 2) return 'aucun site';
    if (kd === 3) return 'plus de ' + fr(String(D.portee.affiche)) + '\u00a0' + D.unite;
    return fr(fixed(shown(kd === 1 ? (cd === 0 ? 0 : (cd - 0.5) / 100) : v), 1)) + '\u00a0' + D.unite;
  }
  function button(label, fn){ var b = document.createElement('button'); b.type = 'button'; b.textContent = label; b.onclick = fn; return b; }
  function elt(tag, text, cls){ var e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
  function pointLabel(p){
    var t = D.points.type[p], c = D.points.commune[p];
    var where = c >= 0 ? ' (' + C.nom[c] + ', ' + C.code[c] + ')' : '';
    return D.points.nom[p] + where;
  }
  function apply(action, p){
    var idx = -1;
    changes.forEach(function(c, k){ if (c.p === p) idx = k; });
    if (idx >= 0) changes.splice(idx, 1); else changes.push({action: action, p: p});
    redraw();
  }
  // What the screen shows, so that only what changes is touched (a style
  // change on every commune would repaint the whole map).
  var drawnFill = original.slice(), drawnChange = new Uint8Array(N), drawnClosed = new Uint8Array(S);
  function redraw(){
    var t0 = performance.now();
    var x = current();
    var dirty = state(x.ouvrir, x.fermer), touched = {};
    after = after.slice();
    for (var i = 0; i < N; i++) if (dirty[i]) {
      rowsOf[i].forEach(function(k){ touched[k] = 1; });
      if (!paths[i]) continue;
      var ch = changed(i) ? 1 : 0, fillNow = ch ? colour(i) : original[i];
      if (fillNow !== drawnFill[i]) { paths[i].setAttribute('fill', fillNow); drawnFill[i] = fillNow; }
      if (ch !== drawnChange[i]) { paths[i].classList.toggle('change', !!ch); drawnChange[i] = ch; }
    }
    Object.keys(touched).forEach(function(k){ after[k] = figures(rows[k]); });
    for (var s = 0; s < S; s++) if (siteCircles[s] && drawnClosed[s] !== 1 - open[s]) {
      drawnClosed[s] = 1 - open[s];
      siteCircles[s].classList.toggle('ferme', !open[s]);
    }
    Object.keys(added).forEach(function(p){ if (!open[p]) { gNew.removeChild(added[p]); delete added[p]; } });
    x.ouvrir.forEach(function(p){
      if (added[p]) return;
      var c = document.createElementNS(NS, 'circle');
      c.setAttribute('class', 'nouveau'); c.setAttribute('data-p', p);
      c.setAttribute('cx', D.points.x[p]); c.setAttribute('cy', D.points.y[p]); c.setAttribute('r', 11);
      var tt = document.createElementNS(NS, 'title'); tt.textContent = 'Nouvelle permanence : ' + pointLabel(p); c.appendChild(tt);
      gNew.appendChild(c); added[p] = c;
    });
    drawChanges(); drawCards(); drawRows(); drawCommunes();
    document.body.setAttribute('data-simulation', String(changes.length));
    window.maillage.dernier_ms = performance.now() - t0;
  }
  function drawChanges(){
    var ol = document.getElementById('sim-changements'); ol.textContent = '';
    document.getElementById('sim-nb').textContent = changes.length ? '(' + changes.length + ')' : '(aucun)';
    changes.forEach(function(c, k){
      var li = elt('li', (c.action === 'ouvrir' ? 'Ouverture : ' : 'Fermeture : ') + pointLabel(c.p) + ' ');
      li.appendChild(button('Annuler', function(){ changes.splice(k, 1); redraw(); }));
      ol.appendChild(li);
    });
  }
  function delta(a, b, cls){
    var s = elt('span', b === a ? '' : ' (' + (b - a > 0 ? '+' : '−') + int(Math.abs(b - a)) + ')');
    if (b !== a) s.className = (b > a) === cls ? 'gain' : 'perte';
    return s;
  }
  function statText(x){ return x === null ? '–' : fr(x); }
  function drawCards(){
    var box = document.getElementById('sim-cartes'); box.textContent = '';
    var r0 = before[0], r1 = after[0];
    T.forEach(function(t, k){
      var d = elt('div', undefined, 'carte');
      var b = elt('b', int(r1.couverts[k])); b.appendChild(delta(r0.couverts[k], r1.couverts[k], true));
      d.appendChild(b);
      d.appendChild(elt('span', 'jeunes à moins de ' + fr(String(t.affiche)) + '\u00a0' + D.unite + D.mode + ' (avant\u00a0: ' + int(r0.couverts[k]) + ')'));
      box.appendChild(d);
    });
    var d = elt('div', undefined, 'carte');
    var withUnit = function(x){ return x === null ? '–' : fr(x) + '\u00a0' + D.unite; };
    d.appendChild(elt('b', withUnit(r1.resume.moyenne) + (r1.resume.exacte ? '' : ' (±0,001)')));
    d.appendChild(elt('span', 'moyenne des jeunes (avant\u00a0: ' + statText(r0.resume.moyenne) + ')'));
    box.appendChild(d);
    d = elt('div', undefined, 'carte');
    d.appendChild(elt('b', withUnit(r1.resume.p90)));
    d.appendChild(elt('span', '9ᵉ décile (avant\u00a0: ' + statText(r0.resume.p90) + ')'));
    box.appendChild(d);
    if (r1.resume.inconnues > 0) {
      box.appendChild(elt('div', r1.resume.inconnues + ' commune(s), ' + int(r1.resume.jeunes_inconnus) + ' jeunes, sans site à moins de ' + fr(String(D.portee.affiche)) + '\u00a0' + D.unite + ' : moyenne et décile non calculés.', 'sim-note'));
    }
  }
  function drawRows(){
    var box = document.getElementById('sim-perimetres'); box.textContent = '';
    if (!changes.length) return;
    box.appendChild(elt('h4', 'Par périmètre (ceux qui changent)'));
    var tab = elt('table'), head = elt('tr');
    ['Périmètre', 'Jeunes 16–25'].concat(T.map(function(t){ return 'À moins de ' + fr(String(t.affiche)) + '\u00a0' + D.unite + ' : avant → après'; }))
      .concat(['Moyenne (' + D.unite + ') avant → après', '9ᵉ décile (' + D.unite + ') avant → après'])
      .forEach(function(h){ head.appendChild(elt('th', h)); });
    var thead = elt('thead'); thead.appendChild(head); tab.appendChild(thead);
    var body = elt('tbody');
    rows.forEach(function(r, k){
      var a = before[k], z = after[k];
      var moved = k === 0 || a.resume.moyenne !== z.resume.moyenne || a.resume.p90 !== z.resume.p90 ||
        a.couverts.some(function(x, j){ return x !== z.couverts[j]; });
      if (!moved) return;
      var tr = elt('tr');
      tr.appendChild(elt('td', r.nom + (r.code ? ' (' + r.code + ')' : '')));
      tr.appendChild(elt('td', int(a.jeunes), 'n'));
      a.couverts.forEach(function(x, j){ var td = elt('td', int(x) + ' → ' + int(z.couverts[j]), 'n'); td.appendChild(delta(x, z.couverts[j], true)); tr.appendChild(td); });
      tr.appendChild(elt('td', statText(a.resume.moyenne) + ' → ' + statText(z.resume.moyenne), 'n'));
      tr.appendChild(elt('td', statText(a.resume.p90) + ' → ' + statText(z.resume.p90), 'n'));
      tr.setAttribute('data-perimetre', r.code || 'perimetre');
      body.appendChild(tr);
    });
    tab.appendChild(body);
    var sc = elt('div', undefined, 'scroll'); sc.appendChild(tab); box.appendChild(sc);
  }
  function drawCommunes(){
    var box = document.getElementById('sim-communes'); box.textContent = '';
    if (!changes.length) return;
    var list = [];
    for (var a = 0; a < rows[0].membres.length; a++) {
      var i = rows[0].membres[a];
      if (changed(i)) list.push(i);
    }
    var gap = function(i){
      var x0 = beforeKind[i] >= 2 ? Infinity : beforeVal[i];
      var x1 = kind[i] >= 2 ? Infinity : val[i];
      return x1 - x0;
    };
    var size = function(i){ var v = Math.abs(gap(i)); return isNaN(v) ? Infinity : v; };
    list.sort(function(p, q){ var a = size(p), b = size(q); return (a < b) - (a > b) || p - q; });
    var gains = list.filter(function(i){ return gap(i) < 0; }), losses = list.filter(function(i){ return !(gap(i) < 0); });
    var jg = 0, jl = 0;
    gains.forEach(function(i){ jg += C.jeunes[i]; }); losses.forEach(function(i){ jl += C.jeunes[i]; });
    box.appendChild(elt('h4', gains.length + ' commune(s) se rapprochent d\u2019un site (' + int(jg) + ' jeunes), ' + losses.length + ' s\u2019en éloignent (' + int(jl) + ' jeunes)'));
    var tab = elt('table'), head = elt('tr');
    ['Commune', 'Code INSEE', 'Mission Locale', 'Jeunes 16–25', 'Avant', 'Après'].forEach(function(h){ head.appendChild(elt('th', h)); });
    var thead = elt('thead'); thead.appendChild(head); tab.appendChild(thead);
    var body = elt('tbody');
    list.slice(0, 200).forEach(function(i){
      var tr = elt('tr', undefined, gap(i) < 0 ? 'gain' : 'perte');
      tr.setAttribute('data-insee', C.code[i]);
      tr.appendChild(elt('td', C.nom[i])); tr.appendChild(elt('td', C.code[i]));
      tr.appendChild(elt('td', D.mls[C.ml[i]][1])); tr.appendChild(elt('td', int(C.jeunes[i]), 'n'));
      tr.appendChild(elt('td', costText(beforeKind[i], beforeVal[i], beforeCode[i]), 'n'));
      tr.appendChild(elt('td', costText(kind[i], val[i], code[i]), 'n'));
      body.appendChild(tr);
    });
    tab.appendChild(body);
    var sc = elt('div', undefined, 'scroll'); sc.appendChild(tab); box.appendChild(sc);
    if (list.length > 200) box.appendChild(elt('p', 'et ' + (list.length - 200) + ' autres communes.', 'sim-note'));
  }
  // ---- the commune's menu, clicks on the map ----
  var menu = elt('div'); menu.id = 'sim-menu'; wrap.appendChild(menu);
  var byCommune = [];
  for (i = 0; i < N; i++) byCommune.push([]);
  for (p = 0; p < P; p++) if (D.points.commune[p] >= 0) byCommune[D.points.commune[p]].push(p);
  function actions(i, into){
    byCommune[i].forEach(function(p){
      if (p < S) {
        into.appendChild(button((open[p] ? 'Fermer : ' : 'Rouvrir : ') + D.points.nom[p], function(){ menu.style.display = 'none'; apply('fermer', p); }));
      } else {
        into.appendChild(button((open[p] ? 'Annuler l\u2019ouverture : ' : 'Ouvrir une permanence : ') + D.points.nom[p], function(){ menu.style.display = 'none'; apply('ouvrir', p); }));
      }
    });
  }
  function showMenu(i, x, y){
    menu.textContent = '';
    var t = elt('div'); t.appendChild(elt('b', C.nom[i] + ' (' + C.code[i] + ')')); menu.appendChild(t);
    actions(i, menu);
    menu.appendChild(button('Fermer ce menu', function(){ menu.style.display = 'none'; }));
    var r = wrap.getBoundingClientRect();
    menu.style.left = Math.min(x - r.left + 10, r.width - 250) + 'px';
    menu.style.top = Math.min(y - r.top + 10, r.height - 150) + 'px';
    menu.style.display = 'block';
    var first = menu.querySelector('button'); if (first) first.focus();
  }
  var down = null;
  svg.addEventListener('mousedown', function(e){ down = {x: e.clientX, y: e.clientY}; });
  svg.addEventListener('click', function(e){
    if (!down || Math.abs(e.clientX - down.x) + Math.abs(e.clientY - down.y) > 5) return;
    var t = e.target;
    if (t.hasAttribute('data-s')) { menu.style.display = 'none'; apply('fermer', +t.getAttribute('data-s')); return; }
    if (t.hasAttribute('data-p')) { menu.style.display = 'none'; apply('ouvrir', +t.getAttribute('data-p')); return; }
    if (t.hasAttribute('data-i')) {
      var i = +t.getAttribute('data-i');
      if (inP[i]) showMenu(i, e.clientX, e.clientY);
    }
  });
  document.addEventListener('keydown', function(e){ if (e.key === 'Escape') menu.style.display = 'none'; });
  // ---- search ----
  var norm = function(s){ return s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[-'’]/g, ' '); };
  var cNames = C.nom.map(norm), sNames = D.points.nom.slice(0, S).map(norm);
  var input = document.getElementById('sim-recherche'), ul = document.getElementById('sim-resultats');
  function search(){
    var q = norm(input.value.trim()); ul.textContent = '';
    if (!q) return;
    // One letter finds only the commune of that name (there is a Y).
    var starts = function(i){ return q.length < 2 ? cNames[i] === q : cNames[i].indexOf(q) === 0; };
    var found = 0;
    for (var i = 0; i < N && found < 8; i++) if (inP[i] && (starts(i) || C.code[i] === input.value.trim())) {
      var li = elt('li'); li.appendChild(elt('b', C.nom[i] + ' (' + C.code[i] + ') ')); actions(i, li); ul.appendChild(li); found++;
    }
    for (i = 0; i < N && found < 8 && q.length > 1; i++) if (inP[i] && cNames[i].indexOf(q) > 0) {
      li = elt('li'); li.appendChild(elt('b', C.nom[i] + ' (' + C.code[i] + ') ')); actions(i, li); ul.appendChild(li); found++;
    }
    for (var s = 0; s < S && found < 12; s++) if ((q.length > 1 && sNames[s].indexOf(q) >= 0) || D.points.id[s].toLowerCase() === q) {
      li = elt('li'); li.appendChild(elt('b', pointLabel(s) + ' ')); var p = s;
      li.appendChild(button((open[p] ? 'Fermer ce site' : 'Rouvrir ce site'), (function(p){ return function(){ apply('fermer', p); search(); }; })(p)));
      ul.appendChild(li); found++;
    }
    if (!found) ul.appendChild(elt('li', 'Aucune commune ni aucun site de ce nom.'));
  }
  input.addEventListener('input', search);
  ul.addEventListener('click', function(e){ if (e.target.tagName === 'BUTTON') setTimeout(search, 0); });
  document.getElementById('sim-reinitialiser').onclick = function(){ changes = []; redraw(); };
  // ---- export: the file `maillage scenario --changements` reads ----
  function csvField(s){ s = String(s); return /[;"\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; }
  function exportText(){
    var lines = ['action;id;code_insee;type;nom'];
    changes.forEach(function(c){
      var p = c.p, com = D.points.commune[p];
      lines.push([c.action, D.points.id[p], com >= 0 ? C.code[com] : '', D.points.type[p], D.points.nom[p]].map(csvField).join(';'));
    });
    return '\ufeff' + lines.join('\r\n') + '\r\n';
  }
  window.maillage.scenario = exportText;
  // The tooltip's line for commune i: its cost after the changes, when it
  // changed (null otherwise).
  window.maillage.apres = function(i){ return changed(i) ? costText(kind[i], val[i], code[i]) : null; };
  // What a click does: opens the candidate point (or closes the site) with
  // this id, or takes that change back; the screen is redrawn.
  window.maillage.basculer = function(id){
    var p = byId[id];
    if (p === undefined) throw new Error('maillage.basculer : aucun point « ' + id + ' »');
    apply(p < S ? 'fermer' : 'ouvrir', p);
  };
  // For tests: the communes whose cost changed, as scenario_communes.csv
  // writes them (km or min, 3 decimals; '' without a site, '>' beyond reach).
  window.maillage.communes_changees = function(){
    var out = [], txt = function(kd, v, cd){
      if (kd === 2) return ''; if (kd === 3) return '>';
      return fixed(shown(kd === 1 ? (cd === 0 ? 0 : (cd - 0.5) / 100) : v), 3);
    };
    for (var i = 0; i < N; i++) if (inP[i] && changed(i)) out.push({code_insee: C.code[i], avant: txt(beforeKind[i], beforeVal[i], beforeCode[i]), apres: txt(kind[i], val[i], code[i])});
    return out;
  };
  document.getElementById('sim-exporter').onclick = function(){
    var a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([exportText()], {type: 'text/csv;charset=utf-8'}));
    a.download = 'scenario.csv';
    document.body.appendChild(a); a.click(); document.body.removeChild(a);
    setTimeout(function(){ URL.revokeObjectURL(a.href); }, 1000);
  };
  redraw();
  document.body.setAttribute('data-simulation-prete', 'oui');
})();
