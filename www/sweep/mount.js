// Mount point of the sweep panel (www/sweep/panel.js). The panel and everything it pulls in load
// only when the user opens it, or when the link says sweep=true.

export function mountSweep(section, app) {
  if (!section) return;
  const open = section.querySelector('#sweep-open');
  const note = section.querySelector('#sweep-note');
  let loading = null;
  const load = () => {
    loading ??= import(/* webpackChunkName: "sweep-panel" */ './panel.js')
      .then((m) => {
        open?.remove();
        return m.mount(section, app);
      })
      .catch((e) => {
        loading = null;
        if (note) note.textContent = `The sweep panel could not be loaded: ${e.message}`;
        console.warn('sweep panel:', e);
      });
    return loading;
  };
  open?.addEventListener('click', () => {
    app.setConfig({ sweep: true });
    load();
  });
  if (app.config().sweep) load();
}
