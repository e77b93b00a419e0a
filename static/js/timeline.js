/* The movie editor's timeline: zoom, ruler, playhead, selection, trim handles with
   snapping, blade, drag to reorder (SortableJS) and keyboard shortcuts.

   The server renders the editor (movies/_editor.html) and owns every rule: each edit is
   an htmx POST that answers with the re-rendered editor, or with the refusal in its alert
   area. This file only turns gestures into those POSTs and keeps the view state (playhead,
   zoom, selection) across the swaps, in sessionStorage.

   The preview player, when the page has one (iframe[data-preview]), is driven by
   postMessage: we send {type: "play" | "pause" | "seek", frame}; it sends
   {type: "ready", durationInFrames, fps}, {type: "frame", frame}, {type: "ended"} and
   {type: "error", message}. Its frame is an opaque origin, so its messages are known by
   their source window. Without one, Space runs the playhead on its own clock. */
(() => {
  'use strict';

  const SNAP_PX = 8;
  const ZOOM_MIN = 0.5;
  const ZOOM_MAX = 20;
  const RULER_LABEL_PX = 70;

  let root = null; // the current #timeline-editor
  let view = {frame: 0, zoom: 4, selected: null, blade: false};
  let clock = null; // requestAnimationFrame id while the timeline plays on its own
  let sortable = null;
  let busy = false;

  const $ = (selector, scope = root) => scope.querySelector(selector);
  const $$ = (selector, scope = root) => Array.from(scope.querySelectorAll(selector));
  const clamp = (value, low, high) => Math.min(Math.max(value, low), high);
  const fps = () => Number(root.dataset.fps);
  const total = () => Number(root.dataset.total);
  const storeKey = () => `montage:timeline:${root.dataset.movie}`;
  const blocks = () => $$('.clip-block');
  const sceneOf = (block) => ({
    id: block.dataset.scene,
    start: Number(block.dataset.start),
    frames: Number(block.dataset.frames),
    base: Number(block.dataset.base),
    trimStart: Number(block.dataset.trimStart),
    trimEnd: Number(block.dataset.trimEnd),
    missing: block.dataset.missing === 'true',
  });

  function timecode(frame) {
    const rate = fps();
    const seconds = Math.floor(frame / rate);
    const pad = (n) => String(n).padStart(2, '0');
    return `${pad(Math.floor(seconds / 60))}:${pad(seconds % 60)}:${pad(frame % rate)}`;
  }

  function save() {
    sessionStorage.setItem(storeKey(), JSON.stringify({frame: view.frame, zoom: view.zoom, selected: view.selected}));
  }

  // --- Server edits -------------------------------------------------------------------
  // One edit at a time, in the order made: each is sent with the version the previous
  // one's answer brought, so quick keystrokes are neither lost nor refused as stale.
  let queue = Promise.resolve();

  function edit(operation, values = {}) {
    queue = queue.then(() => send(operation, values));
    return queue;
  }

  function send(operation, values) {
    // The editor in the document now: the previous edit's answer may have been swapped
    // in a moment before htmx runs our onLoad for it (mount), and its version counts.
    const editor = document.getElementById('timeline-editor');
    busy = true;
    editor.classList.add('is-saving');
    return htmx.ajax('POST', editor.dataset.editUrl.replace('OPERATION', operation), {
      source: editor,
      target: editor,
      swap: 'outerHTML',
      values,
      headers: {'If-Match': editor.dataset.etag, 'X-CSRFToken': editor.dataset.csrf},
    }).catch(() => showAlert('Not saved: the server could not be reached. Try again.')).finally(() => {
      busy = false;
      editor.classList.remove('is-saving');
    });
  }

  function sceneAtFrame(frame) {
    return blocks().find((block) => {
      const scene = sceneOf(block);
      return scene.frames > 0 && frame >= scene.start && frame < scene.start + scene.frames;
    });
  }

  function splitAt(frame) {
    const block = sceneAtFrame(frame);
    if (!block) return showAlert('Put the playhead inside a scene to split it.');
    const scene = sceneOf(block);
    // The service wants a frame of the clip, strictly inside the visible range; it
    // refuses the scene's first frame with a message shown in place.
    edit('split', {scene: scene.id, frame: scene.trimStart + (frame - scene.start)});
  }

  function showAlert(message) {
    const alert = $('#editor-alert');
    alert.innerHTML = '';
    const paragraph = document.createElement('p');
    paragraph.className = 'notice notice--error';
    paragraph.textContent = message;
    alert.append(paragraph);
  }

  // --- Playhead, ruler, zoom ----------------------------------------------------------
  function seek(frame, {fromPlayer = false} = {}) {
    view.frame = clamp(Math.round(frame), 0, Math.max(total() - 1, 0));
    const playhead = $('[data-playhead]');
    playhead.style.transform = `translateX(${view.frame * view.zoom}px)`;
    playhead.setAttribute('aria-valuenow', view.frame);
    playhead.setAttribute('aria-valuetext', `Frame ${view.frame}, ${timecode(view.frame)}`);
    $('[data-timecode]').textContent = `${timecode(view.frame)} · frame ${view.frame} of ${total()}`;
    const current = sceneAtFrame(view.frame);
    blocks().forEach((block) => block.classList.toggle('is-current', block === current));
    if (!fromPlayer && player.present()) player.seek(view.frame);
    save();
  }

  function rulerStep() {
    const rate = fps();
    const steps = [1, 2, 5, 10, rate / 2, rate, 2 * rate, 5 * rate, 10 * rate, 30 * rate, 60 * rate];
    return steps.find((step) => step * view.zoom >= RULER_LABEL_PX && Number.isInteger(step)) || 60 * rate;
  }

  function drawRuler() {
    const ruler = $('[data-ruler]');
    ruler.replaceChildren();
    const step = rulerStep();
    for (let frame = 0; frame <= total(); frame += step) {
      const tick = document.createElement('span');
      tick.className = 'ruler__tick';
      tick.style.left = `${frame * view.zoom}px`;
      tick.textContent = timecode(frame);
      ruler.append(tick);
    }
  }

  function zoomTo(zoom) {
    view.zoom = clamp(Math.round(zoom * 2) / 2, ZOOM_MIN, ZOOM_MAX);
    root.style.setProperty('--px-per-frame', view.zoom);
    $('[data-zoom]').value = view.zoom;
    $('[data-zoom-label]').textContent = `${view.zoom} px/frame`;
    drawRuler();
    seek(view.frame, {fromPlayer: true});
  }

  function frameAtPointer(event) {
    const track = $('[data-track]').getBoundingClientRect();
    return (event.clientX - track.left) / view.zoom;
  }

  function scrub(event) {
    event.preventDefault();
    const target = event.currentTarget;
    target.setPointerCapture(event.pointerId);
    const move = (e) => seek(frameAtPointer(e));
    move(event);
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', () => target.removeEventListener('pointermove', move), {once: true});
  }

  // --- Playback -----------------------------------------------------------------------
  function togglePlay() {
    if (player.present()) return player.toggle();
    if (clock !== null) {
      cancelAnimationFrame(clock);
      clock = null;
      return;
    }
    const startedAt = performance.now();
    const from = view.frame >= total() - 1 ? 0 : view.frame;
    const tick = (now) => {
      const frame = from + Math.floor(((now - startedAt) / 1000) * fps());
      if (frame >= total() - 1 || !root) {
        clock = null;
        return seek(total() - 1);
      }
      seek(frame);
      clock = requestAnimationFrame(tick);
    };
    clock = requestAnimationFrame(tick);
  }

  // The preview frame is renewed after every edit (it plays the movie as it is now), so it
  // is looked up for each message rather than kept.
  const previewFrame = () => document.querySelector('iframe[data-preview]');

  function connectPlayer() {
    const LEAD_MS = 1000;
    let playing = false;
    // While the playhead is stepped or dragged, the page leads (until LEAD_MS after the
    // last step): one seek at a time goes to the player, the newest wanted frame follows
    // once the player painted the previous one, and every frame the player reports in
    // between is an echo (it reports each seek more than once) that must not pull the
    // playhead back. Otherwise (playing, or its own controls) the player leads.
    let asked = null;
    let wanted = null;
    let ledAt = 0;
    const post = (type, extra = {}) => {
      const frame = previewFrame();
      if (frame) frame.contentWindow.postMessage({type, ...extra}, '*');
    };
    const seekTo = (frame) => {
      wanted = frame;
      const now = performance.now();
      if (asked !== null && now - ledAt < LEAD_MS) {
        ledAt = now;
        return;
      }
      asked = frame;
      ledAt = now;
      post('seek', {frame});
    };
    const painted = (frame) => {
      if (performance.now() - ledAt >= LEAD_MS) {
        asked = null;
        return seek(frame, {fromPlayer: true});
      }
      if (frame === asked) {
        asked = null;
        if (wanted !== frame) seekTo(wanted);
      }
    };
    window.addEventListener('message', (event) => {
      const frame = previewFrame();
      if (!frame || event.source !== frame.contentWindow || !root) return;
      const message = event.data || {};
      if (message.type === 'ready') {
        playing = false;
        asked = null;
        seekTo(view.frame);
      } else if (message.type === 'frame' && Number.isInteger(message.frame)) painted(message.frame);
      else if (message.type === 'ended') playing = false;
      else if (message.type === 'error') showAlert(`Preview: ${String(message.message)}`);
    });
    return {
      present: () => previewFrame() !== null,
      seek: seekTo,
      toggle() {
        playing = !playing;
        asked = null;
        ledAt = 0; // the player leads while it plays
        post(playing ? 'play' : 'pause');
      },
    };
  }

  // --- Selection, blade, trims, reorder -----------------------------------------------
  function select(sceneId) {
    view.selected = sceneId;
    blocks().forEach((block) => block.setAttribute('aria-selected', String(block.dataset.scene === sceneId)));
    const index = blocks().findIndex((block) => block.dataset.scene === sceneId);
    $$('[data-insert-after]').forEach((input) => {
      input.value = index >= 0 ? index : '';
      input.disabled = index < 0;
    });
    $$('[data-selected-only]').forEach((button) => { button.disabled = index < 0; });
    save();
  }

  function setBlade(on) {
    view.blade = on;
    root.classList.toggle('is-blade', on);
    $('[data-action="blade"]').setAttribute('aria-pressed', String(on));
    if (sortable) sortable.option('disabled', on);
  }

  function snapPoints(except) {
    const points = [0, total(), view.frame];
    blocks().forEach((block) => {
      if (block === except) return;
      const scene = sceneOf(block);
      points.push(scene.start, scene.start + scene.frames);
    });
    return points;
  }

  function snap(edge, points) {
    const reach = SNAP_PX / view.zoom;
    const nearest = points.reduce((best, point) => (Math.abs(point - edge) < Math.abs(best - edge) ? point : best), Infinity);
    return Math.abs(nearest - edge) <= reach ? nearest : edge;
  }

  function startTrim(event) {
    const handle = event.target.closest('[data-trim]');
    if (!handle || busy) return;
    event.preventDefault();
    event.stopPropagation();
    const block = handle.closest('.clip-block');
    const scene = sceneOf(block);
    if (scene.missing) return;
    const side = handle.dataset.trim;
    const edge0 = side === 'start' ? scene.start : scene.start + scene.frames;
    // The neighbour's edge at the same place is this edge: no detent where the drag starts.
    const points = snapPoints(block).filter((point) => point !== edge0);
    const x0 = event.clientX;
    let delta = 0;
    handle.setPointerCapture(event.pointerId);
    block.classList.add('is-trimming');
    const move = (e) => {
      const edge = snap(edge0 + (e.clientX - x0) / view.zoom, points);
      delta = Math.round(edge - edge0);
      delta = side === 'start'
        ? clamp(delta, -scene.trimStart, scene.frames - 1)
        : clamp(delta, 1 - scene.frames, scene.trimEnd);
      const frames = side === 'start' ? scene.frames - delta : scene.frames + delta;
      block.style.setProperty('--frames', frames);
      block.style.marginLeft = side === 'start' ? `${delta * view.zoom}px` : '';
      const trim = side === 'start' ? scene.trimStart + delta : scene.trimEnd - delta;
      block.dataset.readout = `${side === 'start' ? 'Trim start' : 'Trim end'} ${trim} · ${frames} frames`;
    };
    const up = () => {
      handle.removeEventListener('pointermove', move);
      block.classList.remove('is-trimming');
      if (delta === 0) return;
      const values = side === 'start' ? {trim_start: scene.trimStart + delta} : {trim_end: scene.trimEnd - delta};
      edit('update', {scene: scene.id, ...values}).then(() => {
        // A refusal leaves this editor in place: put the block back as stored.
        if (document.contains(block)) {
          block.style.setProperty('--frames', scene.frames);
          block.style.marginLeft = '';
        }
      });
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up, {once: true});
  }

  function onBlockClick(event) {
    const block = event.target.closest('.clip-block');
    if (!block) return;
    if (view.blade) {
      splitAt(Math.floor(frameAtPointer(event)));
      return;
    }
    select(block.dataset.scene);
  }

  function setUpSortable() {
    const track = $('[data-track]');
    const order = blocks().map((block) => block.dataset.scene);
    sortable = Sortable.create(track, {
      animation: 120,
      // Pointer events rather than native HTML5 drag and drop: the same on every
      // browser and touch screen, and a drag never starts a file drop or image drag.
      forceFallback: true,
      draggable: '.clip-block',
      filter: '.trim-handle',
      preventOnFilter: false,
      dataIdAttr: 'data-scene',
      disabled: view.blade,
      onEnd: (event) => {
        if (event.oldIndex === event.newIndex) return;
        const ids = sortable.toArray();
        edit('reorder', {scene_ids: ids}).then(() => {
          if (document.contains(track)) sortable.sort(order, true);
        });
      },
    });
  }

  // --- Wiring -------------------------------------------------------------------------
  function mount(editor) {
    root = editor;
    const stored = JSON.parse(sessionStorage.getItem(storeKey()) || '{}');
    view = {...view, ...stored};
    if (stored.zoom === undefined && total() > 0) {
      // First visit: the whole movie fits the timeline's width.
      view.zoom = ($('[data-timeline]').clientWidth - 48) / total();
    }
    const action = (name, handler) => $(`[data-action="${name}"]`).addEventListener('click', handler);
    action('split', () => splitAt(view.frame));
    action('blade', () => setBlade(!view.blade));
    action('remove', () => view.selected && edit('remove', {scene: view.selected}));
    action('play', togglePlay);
    $('[data-zoom]').addEventListener('input', (event) => zoomTo(Number(event.target.value)));
    $('[data-ruler-area]').addEventListener('pointerdown', scrub);
    $('[data-playhead]').addEventListener('keydown', (event) => {
      const step = {ArrowLeft: -1, ArrowRight: 1, PageDown: -fps(), PageUp: fps()}[event.key];
      if (step) {
        event.preventDefault();
        event.stopPropagation(); // the page's own arrow shortcut would step again
        seek(view.frame + step);
      }
    });
    const track = $('[data-track]');
    track.addEventListener('pointerdown', startTrim);
    track.addEventListener('click', onBlockClick);
    $('[data-timeline]').addEventListener('wheel', (event) => {
      if (!event.ctrlKey && !event.metaKey) return;
      event.preventDefault();
      zoomTo(view.zoom * (event.deltaY < 0 ? 1.25 : 0.8));
    }, {passive: false});
    setUpSortable();
    setBlade(view.blade);
    zoomTo(view.zoom);
    const known = blocks().some((block) => block.dataset.scene === view.selected);
    select(known ? view.selected : null);
    // Controls work from here on: until then a swapped-in editor has no listeners.
    editor.dataset.mounted = 'true';
  }

  function typingIn(target) {
    return target.closest('input, textarea, select, [contenteditable="true"], .cm-editor');
  }

  function onKey(event) {
    if (!root || typingIn(event.target)) return;
    const mod = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    let handled = true;
    if (mod && key === 'z' && !event.shiftKey) edit('undo');
    else if (mod && (key === 'y' || (key === 'z' && event.shiftKey))) edit('redo');
    else if (mod && key === 'b') splitAt(view.frame);
    else if (mod) handled = false;
    else if (key === 'b') setBlade(!view.blade);
    else if (key === ' ') togglePlay();
    else if (key === 'arrowleft' || key === 'arrowright') {
      const step = (key === 'arrowleft' ? -1 : 1) * (event.shiftKey ? fps() : 1);
      seek(view.frame + step);
    } else if (key === 'home') seek(0);
    else if (key === 'end') seek(total() - 1);
    else if ((key === 'delete' || key === 'backspace') && view.selected) edit('remove', {scene: view.selected});
    else if (key === '+' || key === '=') zoomTo(view.zoom * 1.25);
    else if (key === '-') zoomTo(view.zoom * 0.8);
    else handled = false;
    if (handled) event.preventDefault();
  }

  const player = connectPlayer();
  htmx.onLoad((element) => {
    const editor = element.id === 'timeline-editor' ? element : element.querySelector('#timeline-editor');
    if (!editor) return;
    mount(editor);
  });
  document.addEventListener('keydown', onKey);
  // An edit renews the preview, and a player starting in its frame takes the keyboard
  // focus; the editor did not ask for that, and the shortcuts would stop working. So when
  // focus moves into the preview frame within a few seconds of a swap, without the pointer
  // over it, it goes back to where it was (the playhead, if that is where it was).
  let swappedAt = 0;
  let lastFocus = null;
  document.addEventListener('focusin', (event) => { lastFocus = event.target; });
  document.body.addEventListener('htmx:afterSwap', () => { swappedAt = performance.now(); });
  window.addEventListener('blur', () => setTimeout(() => {
    const frame = previewFrame();
    if (!frame || document.activeElement !== frame || frame.matches(':hover')) return;
    if (performance.now() - swappedAt > 5000) return;
    const playhead = root && $('[data-playhead]');
    const back = lastFocus && document.contains(lastFocus) ? lastFocus
      : lastFocus && lastFocus.matches('[data-playhead]') ? playhead : null;
    if (back) back.focus();
    else frame.blur();
  }));
  // Edits save at once; only one still on its way would be lost by leaving.
  window.addEventListener('beforeunload', (event) => {
    if (busy) event.preventDefault();
  });
})();
