// The family's graphs sorted by ASPL; choosing one shows it (and puts `pick` in the link).

const fmt = (x) => (Number.isFinite(x) ? x.toFixed(4) : '—');
/** Longer lists are cut (building thousands of buttons would block the page). */
const MAX_SHOWN = 1000;

export class FamilyList {
  constructor(section, list, onPick) {
    this.section = section;
    this.list = list;
    this.onPick = onPick;
    this.members = [];
    list.addEventListener('click', (e) => {
      const b = e.target.closest('button[data-index]');
      if (b) this.onPick(Number(b.dataset.index));
    });
  }

  hide() {
    this.section.hidden = true;
    this.members = [];
    this.list.replaceChildren();
  }

  /** members: [{ index, trajectory, step, aspl, diameter, fingerprint }], sorted by ASPL. */
  show(members) {
    this.members = members;
    const items = members.slice(0, MAX_SHOWN).map((m) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.index = String(m.index);
      b.dataset.fingerprint = m.fingerprint;
      b.textContent = `ASPL ${fmt(m.aspl)}, diameter ${m.diameter} — trajectory ${m.trajectory + 1}, step ${m.step}`;
      li.append(b);
      return li;
    });
    if (members.length > MAX_SHOWN) {
      const li = document.createElement('li');
      li.className = 'note';
      li.textContent = `… and ${members.length - MAX_SHOWN} more with higher ASPL (rgp family lists them all).`;
      items.push(li);
    }
    this.list.replaceChildren(...items);
    this.section.hidden = false;
  }

  mark(index) {
    for (const b of this.list.querySelectorAll('button[data-index]')) {
      if (Number(b.dataset.index) === index) {
        b.setAttribute('aria-current', 'true');
        b.scrollIntoView({ block: 'nearest' });
      } else b.removeAttribute('aria-current');
    }
  }
}
