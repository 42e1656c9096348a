// One form builder for the panels: a control per setting of the schema (www/generated/settings.js,
// declared in src/settings/mod.rs), labelled with the schema's label and help, and read back
// into the setting's type and range. The schema is the only place that knows a setting's default,
// range and allowed values.

import { el } from '../dom.js';
import { fieldOf, textProblem } from '../url-state.js';

/** A control for setting `key` showing `value`: select (enum), checkbox (bool), text or number input. */
export function control(key, value, attrs = {}) {
  const s = fieldOf(key);
  let input;
  if (s.type === 'enum') {
    input = el('select', { name: key, ...attrs });
    s.values.forEach((v, i) => input.append(el('option', { value: v, text: s.labels?.[i] ?? v })));
    input.value = String(value);
  } else if (s.type === 'bool') {
    input = el('input', { type: 'checkbox', name: key, ...attrs });
    input.checked = Boolean(value);
  } else if (s.type === 'text') {
    input = el('input', { type: 'text', name: key, maxlength: String(s.max), ...attrs });
    input.value = value ?? '';
  } else {
    const step = s.type === 'int' ? '1' : 'any';
    input = el('input', { type: 'number', name: key, min: String(s.min), max: String(s.max), step, ...attrs });
    input.value = value === null || value === undefined ? '' : String(value);
    if (s.def_by) input.placeholder = defaultText(s);
  }
  if (s.help) input.title = s.help;
  return input;
}

/** What an unset setting with a default decided by another shows: "sgd 0.05 · adam 0.001" (in
 * the deciding setting's order of values). */
function defaultText(s) {
  const by = fieldOf(s.def_by.key);
  return by.values.filter((v) => v in s.def_by.values).map((v) => `${v} ${s.def_by.values[v]}`).join(' · ');
}

/** The control inside its label (a checkbox before its text, any other control after it). */
export function labelled(key, input, attrs = {}) {
  const text = fieldOf(key).label;
  return input.type === 'checkbox' ? el('label', { class: 'tp-check', ...attrs }, input, text) : el('label', attrs, text, input);
}

/** A raw value (form text, link value) as the setting's: clamped into range, else the default. */
export function coerce(key, raw) {
  const s = fieldOf(key);
  if (raw === undefined || raw === null || raw === '') return s.def;
  if (s.type === 'enum') return s.values.includes(raw) ? raw : s.def;
  if (s.type === 'bool') return raw === true || raw === 'true';
  if (s.type === 'text') return textProblem(s, String(raw)) ? s.def : String(raw);
  const x = Number(raw);
  if (!Number.isFinite(x)) return s.def;
  const c = Math.min(s.max, Math.max(s.min, x));
  return s.type === 'int' ? Math.round(c) : c;
}

/** What a control holds, as its setting's value. */
export function valueOfControl(input) {
  return coerce(input.name, input.type === 'checkbox' ? input.checked : input.value);
}

/** Why a number control's text is not a value of its setting, or '' (for a message). */
export function rangeProblem(input) {
  const s = fieldOf(input.name);
  if (s.type !== 'int' && s.type !== 'float') return '';
  // An optional setting left empty is unset: its default applies.
  if (s.optional && input.value.trim() === '') return '';
  const v = Number(input.value);
  const whole = s.type === 'int';
  if (input.value.trim() !== '' && Number.isFinite(v) && v >= s.min && v <= s.max && (!whole || Number.isInteger(v))) return '';
  return `${s.label} must be ${whole ? 'a whole number' : 'a number'} between ${s.min} and ${s.max}.`;
}

/**
 * Gives a static form's controls (index.html's graph form, laid out by hand) what the schema says
 * of their settings: range and step of number inputs, a select's options, the label's text, the
 * help as a tooltip. Controls that are not settings (the pruning ratio) are left alone.
 */
export function applySchema(form) {
  for (const input of form.querySelectorAll('input[name], select[name]')) {
    const s = fieldOf(input.name);
    if (!s) continue;
    if (s.type === 'enum') {
      input.replaceChildren(...s.values.map((v, i) => el('option', { value: v, text: s.labels?.[i] ?? v })));
    } else if (s.type === 'int' || s.type === 'float') {
      input.min = String(s.min);
      input.max = String(s.max);
      if (!input.step) input.step = s.type === 'int' ? '1' : 'any';
    }
    const label = form.querySelector(`label[for="${input.id}"]`);
    if (label) {
      const text = label.childElementCount ? `${s.label} ` : s.label;
      if (label.firstChild?.nodeType === Node.TEXT_NODE) label.firstChild.nodeValue = text;
      else label.prepend(text);
    }
    if (s.help) input.title = s.help;
  }
}
