import { z } from 'zod';
import { AttributesSchema } from './attribute.js';
import { IdSchema, NameSchema, OffsetSchema, TimestampSchema } from './common.js';

export const DOCUMENT_KINDS = ['observation', 'interview', 'documentation', 'other'] as const;
/**
 * observation = observation protocol of a consultation, interview = interview transcript,
 * documentation = a record exported from the documentation software, other = anything else.
 */
export const DocumentKindSchema = z.enum(DOCUMENT_KINDS);
export type DocumentKind = z.infer<typeof DocumentKindSchema>;

/** Upper bound for one document's text, in UTF-16 units (about 5 MB of prose). */
export const MAX_DOCUMENT_LENGTH = 5_000_000;

/**
 * A speaker turn of a transcript. Offsets are code points into the document text; the turn covers
 * the speaker label, the optional timestamp and the utterance. `textStart` is where the utterance
 * starts (after "FK: " and any timestamp), so a UI can set the label apart.
 */
export const SpeakerTurnSchema = z.object({
  speaker: z.string().min(1).max(100),
  start: OffsetSchema,
  end: OffsetSchema,
  textStart: OffsetSchema,
  /** Media time in seconds from an f4/f5 timestamp (#hh:mm:ss-d#) at the turn, if any. */
  time: z.number().min(0).optional(),
  /** Media time of the timestamp that closes the turn, if any. */
  endTime: z.number().min(0).optional(),
});
export type SpeakerTurn = z.infer<typeof SpeakerTurnSchema>;

export const DocumentSchema = z.object({
  id: IdSchema,
  title: NameSchema,
  kind: DocumentKindSchema,
  /** Immutable text: NFC, LF line endings. */
  text: z.string().max(MAX_DOCUMENT_LENGTH),
  attributes: AttributesSchema.default({}),
  turns: z.array(SpeakerTurnSchema).default([]),
  sourceFile: z.string().max(1000).optional(),
  /** SHA-256 (hex) of the source file's bytes as imported. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  created: TimestampSchema,
  version: z.number().int().min(1),
});
export type Document = z.infer<typeof DocumentSchema>;

/** What lists show: everything but the text and turns. */
export type DocumentMeta = Omit<Document, 'text' | 'turns'> & { length: number };

export const NewDocumentSchema = DocumentSchema.omit({ id: true, created: true, version: true }).extend({
  id: IdSchema.optional(),
});
export type NewDocument = z.input<typeof NewDocumentSchema>;

/** Only title and attributes may change; the text is immutable so offsets stay valid. */
export const DocumentPatchSchema = z.object({
  title: NameSchema.optional(),
  attributes: AttributesSchema.optional(),
  version: z.number().int().min(1),
});
export type DocumentPatch = z.infer<typeof DocumentPatchSchema>;
