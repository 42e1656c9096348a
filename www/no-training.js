// Stand-in for www/train/panel.js in builds without the training module.

export function mount(section) {
  const p = document.createElement('p');
  p.className = 'note';
  p.textContent = 'This build has no training module (scripts/build-web.sh builds it when www/train/ exists).';
  section.append(p);
}
