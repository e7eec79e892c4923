import { css } from 'lit';

/** `.vh`: hidden on screen, read by screen readers (labels, captions, live regions). */
export const visuallyHidden = css`
  .vh {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;

/** The keyboard focus ring of interactive elements. */
export const focusRing = css`
  :focus-visible {
    outline: 2px solid #1d4ed8;
    outline-offset: 2px;
  }
`;

/** An error message box (`role="alert"`) inside editors. */
export const alertBox = css`
  [role='alert'] {
    color: #b91c1c;
    border: 1px solid #fca5a5;
    background: #fef2f2;
    padding: 0.4rem 0.6rem;
    border-radius: 4px;
  }
`;

/** Plain data tables of the admin views (audit trail, pseudonym key): full width, left-aligned, ruled rows. */
export const dataTable = css`
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: 0.25rem 0.5rem;
    border-bottom: 1px solid #e5e7eb;
    vertical-align: top;
  }
  caption {
    text-align: left;
    font-weight: bold;
    padding: 0.25rem 0;
  }
`;

/** The modal dialogs (delete, merge, account): frame, backdrop, title, button row. */
export const modalDialog = css`
  :host {
    display: contents;
  }
  dialog {
    max-width: 34rem;
    border: 1px solid #94a3b8;
    border-radius: 6px;
    padding: 1rem 1.25rem;
  }
  dialog::backdrop {
    background: rgb(15 23 42 / 0.4);
  }
  h2 {
    margin-top: 0;
    font-size: 1.15rem;
    overflow-wrap: anywhere;
  }
  .buttons {
    display: flex;
    justify-content: flex-end;
    gap: 0.5rem;
    margin-top: 1rem;
  }
  button {
    font: inherit;
    padding: 0.3rem 0.8rem;
  }
`;
