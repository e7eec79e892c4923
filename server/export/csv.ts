// CSV field escaping lives in the pure domain layer (word lists use it too); exports import it from here.
export { CSV_QUOTE_WHEN, csvField } from '../domain/csv.js';
