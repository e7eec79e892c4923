import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { Code } from '../../server/schemas/code.js';
import '../../web/components/sb-code-definition.js';
import type { CodeDefinitionSaveEvent, SbCodeDefinition } from '../../web/components/sb-code-definition.js';

const code: Code = {
  id: 'c1',
  parentId: null,
  name: 'Begrüßen',
  colour: '#336699',
  isCodable: true,
  order: 0,
  definition: {
    description: 'Die **Begrüßung** zu Beginn.',
    inclusion: '- Händedruck\n- Gruß',
    exclusion: 'Nicht: _Verabschieden_',
    anchors: [{ text: 'Guten Morgen, Frau K.', segmentId: 's1' }, { text: 'Hallo!' }],
    rules: '',
  },
  created: '2024-01-01T00:00:00.000Z',
  modified: '2024-01-01T00:00:00.000Z',
  version: 7,
};

const q = <T extends Element>(el: SbCodeDefinition, selector: string) => el.shadowRoot!.querySelector<T>(selector)!;
function type(field: HTMLTextAreaElement | HTMLInputElement, value: string): void {
  field.value = value;
  field.dispatchEvent(new Event('input', { bubbles: true }));
}
async function editing(el: SbCodeDefinition): Promise<void> {
  q<HTMLButtonElement>(el, 'button.edit').click();
  await el.updateComplete;
}

describe('sb-code-definition', () => {
  afterEach(() => {
    delete (window as unknown as { __pwned?: number }).__pwned;
  });

  it('renders name, colour and every part of the definition as Markdown', async () => {
    const el = await fixture<SbCodeDefinition>(html`<sb-code-definition .code=${code}></sb-code-definition>`);
    expect(q(el, 'h2').textContent).to.equal('Begrüßen');
    expect(q(el, '.colour code').textContent).to.equal('#336699');
    expect([...el.shadowRoot!.querySelectorAll('h3')].map((h) => h.textContent)).to.deep.equal([
      'Beschreibung',
      'Einschlusskriterien',
      'Abgrenzung',
      'Ankerbeispiele',
      'Kodierregeln',
    ]);
    expect(q(el, '.def-description strong').textContent).to.equal('Begrüßung');
    expect([...el.shadowRoot!.querySelectorAll('.def-inclusion li')].map((li) => li.textContent)).to.deep.equal(['Händedruck', 'Gruß']);
    expect(q(el, '.def-exclusion em').textContent).to.equal('Verabschieden');
    expect([...el.shadowRoot!.querySelectorAll('.def-anchors blockquote')].map((b) => b.textContent!.trim())).to.deep.equal(['Guten Morgen, Frau K.', 'Hallo!']);
    expect(q(el, '.def-rules .empty').textContent).to.equal('Nicht festgelegt.');
    // Read-only: no edit button.
    expect(el.shadowRoot!.querySelector('button.edit')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('says when no code is selected', async () => {
    const el = await fixture<SbCodeDefinition>(html`<sb-code-definition></sb-code-definition>`);
    expect(q(el, 'p').textContent).to.equal('Kein Code ausgewählt.');
  });

  it('edits every field with a live preview and saves the whole definition', async () => {
    const el = await fixture<SbCodeDefinition>(html`<sb-code-definition .code=${code} editable></sb-code-definition>`);
    expect(q(el, 'button.edit').getAttribute('aria-label')).to.equal('„Begrüßen“ bearbeiten');
    await editing(el);
    expect(el.shadowRoot!.activeElement).to.equal(q(el, 'input[type="color"]'));
    const description = q<HTMLTextAreaElement>(el, '#f-description');
    expect(description.value).to.equal('Die **Begrüßung** zu Beginn.');
    type(description, 'Neu mit **Nachdruck**');
    await el.updateComplete;
    expect(description.closest('.field')!.querySelector('.preview strong')!.textContent).to.equal('Nachdruck');
    type(q<HTMLTextAreaElement>(el, '#f-rules'), 'Im Zweifel _nicht_ kodieren.');
    type(q<HTMLInputElement>(el, 'input[type="color"]'), '#aa0000');
    // Anchors: edit the second, remove the first, add one and leave another empty.
    type(q<HTMLTextAreaElement>(el, '#a-1'), 'Hallo, schön dass Sie da sind!');
    await el.updateComplete;
    expect(q(el, '#a-1').closest('.anchor')!.querySelector('.preview blockquote')!.textContent!.trim()).to.equal('Hallo, schön dass Sie da sind!');
    q<HTMLButtonElement>(el, '.anchor button.remove-anchor').click();
    await el.updateComplete;
    q<HTMLButtonElement>(el, 'button.add-anchor').click();
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(q(el, '#a-1'));
    type(q<HTMLTextAreaElement>(el, '#a-1'), '> Tag!');
    q<HTMLButtonElement>(el, 'button.add-anchor').click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelectorAll('textarea.anchor-text').length).to.equal(3);
    await expect(el).to.be.accessible();

    const fired = oneEvent(el, 'sb-code-definition-save');
    q<HTMLButtonElement>(el, 'button.save').click();
    const event = (await fired) as unknown as CodeDefinitionSaveEvent;
    expect(event.codeId).to.equal('c1');
    expect(event.version).to.equal(7);
    expect(event.colour).to.equal('#aa0000');
    expect(event.definition).to.deep.equal({
      description: 'Neu mit **Nachdruck**',
      inclusion: '- Händedruck\n- Gruß',
      exclusion: 'Nicht: _Verabschieden_',
      anchors: [{ text: 'Hallo, schön dass Sie da sind!' }, { text: '> Tag!' }],
      rules: 'Im Zweifel _nicht_ kodieren.',
    });
  });

  it('keeps the segment link of an anchor example and saves with Ctrl+Enter', async () => {
    const el = await fixture<SbCodeDefinition>(html`<sb-code-definition .code=${code} editable></sb-code-definition>`);
    await editing(el);
    const fired = oneEvent(el, 'sb-code-definition-save');
    q(el, '#f-inclusion').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true, composed: true }));
    const event = (await fired) as unknown as CodeDefinitionSaveEvent;
    expect(event.definition.anchors).to.deep.equal([{ text: 'Guten Morgen, Frau K.', segmentId: 's1' }, { text: 'Hallo!' }]);
    expect(event.colour).to.equal('#336699');
  });

  it('discards the draft on Cancel', async () => {
    const el = await fixture<SbCodeDefinition>(html`<sb-code-definition .code=${code} editable></sb-code-definition>`);
    await editing(el);
    type(q<HTMLTextAreaElement>(el, '#f-description'), 'Verworfen');
    q<HTMLButtonElement>(el, 'button.cancel').click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('form')).to.equal(null);
    expect(q(el, '.def-description').textContent).to.contain('Die Begrüßung zu Beginn.');
    await editing(el);
    expect(q<HTMLTextAreaElement>(el, '#f-description').value).to.equal('Die **Begrüßung** zu Beginn.');
  });

  it('shows saving, a failed save with Retry, and closes once the save went through', async () => {
    const el = await fixture<SbCodeDefinition>(html`<sb-code-definition .code=${code} editable></sb-code-definition>`);
    await editing(el);
    type(q<HTMLTextAreaElement>(el, '#f-rules'), 'Regel');
    const saves: CodeDefinitionSaveEvent[] = [];
    el.addEventListener('sb-code-definition-save', (e) => {
      saves.push(e as CodeDefinitionSaveEvent);
      el.saving = true; // what the app does
    });
    q<HTMLButtonElement>(el, 'button.save').click();
    await el.updateComplete;
    expect(q<HTMLButtonElement>(el, 'button.save').disabled).to.equal(true);
    expect(q<HTMLButtonElement>(el, 'button.save').textContent!.trim()).to.equal('Speichert …');
    expect(q(el, '[role="status"]').textContent).to.equal('Speichert …');
    expect(q(el, 'form').getAttribute('aria-busy')).to.equal('true');

    el.saving = false;
    el.error = 'Konflikt: der Code wurde inzwischen geändert';
    await el.updateComplete;
    const alert = q(el, '[role="alert"]');
    expect(alert.textContent).to.contain('Speichern fehlgeschlagen: Konflikt: der Code wurde inzwischen geändert');
    expect(q<HTMLTextAreaElement>(el, '#f-rules').value).to.equal('Regel');
    await expect(el).to.be.accessible();
    alert.querySelector<HTMLButtonElement>('button.retry')!.click();
    expect(saves.map((e) => [e.codeId, e.version, e.definition.rules])).to.deep.equal([
      ['c1', 7, 'Regel'],
      ['c1', 7, 'Regel'],
    ]);

    el.error = '';
    el.saving = false;
    el.code = { ...code, version: 8, definition: { ...code.definition, rules: 'Regel' } };
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('form')).to.equal(null);
    expect(q(el, '.def-rules').textContent).to.contain('Regel');
  });

  it('renders hostile Markdown sanitised and the name as text', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1">\n\n<script>window.__pwned=3</script>\n\n[x](javascript:window.__pwned=2)';
    const evil: Code = {
      ...code,
      name: '<img src=x onerror="window.__pwned=4">',
      definition: { description: hostile, inclusion: hostile, exclusion: '', anchors: [{ text: hostile }], rules: '' },
    };
    const el = await fixture<SbCodeDefinition>(html`<sb-code-definition .code=${evil} editable></sb-code-definition>`);
    expect(q(el, 'h2').textContent).to.equal('<img src=x onerror="window.__pwned=4">');
    const check = () => {
      expect(el.shadowRoot!.querySelectorAll('img, script, [onerror]').length).to.equal(0);
      expect([...el.shadowRoot!.querySelectorAll('a')].map((a) => a.getAttribute('href'))).to.deep.equal(
        [...el.shadowRoot!.querySelectorAll('a')].map(() => null),
      );
    };
    check();
    expect(el.shadowRoot!.querySelectorAll('.def-description a').length).to.equal(1);
    await editing(el);
    check();
    expect(el.shadowRoot!.querySelectorAll('.preview a').length).to.equal(3);
    await new Promise((r) => setTimeout(r, 30));
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
  });
});
