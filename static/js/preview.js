// The page's side of the preview protocol (README.md, "Previews"). The frame is an
// opaque origin, so its messages are recognised by their source window, not by origin,
// and only a frame number or an error message is taken from them.
(() => {
  const frames = document.querySelectorAll('iframe[data-preview]');
  frames.forEach((frame) => {
    if (frame.dataset.previewBound) return;
    frame.dataset.previewBound = '1';
    const status = frame.parentElement.querySelector('.preview__status');
    const timeline = frame.dataset.timeline && document.getElementById(frame.dataset.timeline);

    const highlight = (current) => {
      if (!timeline) return;
      timeline.querySelectorAll('tr[data-start]').forEach((row) => {
        const on = current >= Number(row.dataset.start) && current < Number(row.dataset.end);
        row.classList.toggle('is-current', on);
        if (on) row.setAttribute('aria-current', 'true');
        else row.removeAttribute('aria-current');
      });
    };

    window.addEventListener('message', (event) => {
      const data = event.data;
      if (event.source !== frame.contentWindow || !data || data.source !== 'montage-preview') return;
      if (data.type === 'frame' && Number.isInteger(data.frame)) {
        frame.dataset.currentFrame = String(data.frame);
        highlight(data.frame);
      } else if (data.type === 'error' && status) {
        status.textContent = `The code fails: ${String(data.message)}`;
      } else if (data.type === 'ready') {
        frame.dataset.ready = '1';
      }
    });
  });

  // "Use the preview's frame": the frame the player shows (it follows the movie editor's
  // playhead) into a form field, such as a poster frame.
  document.querySelectorAll('[data-take-preview-frame]').forEach((button) => {
    button.addEventListener('click', () => {
      const player = document.querySelector('iframe[data-preview]');
      const field = document.getElementById(button.dataset.takePreviewFrame);
      if (player && field) field.value = player.dataset.currentFrame || '0';
    });
  });
})();
