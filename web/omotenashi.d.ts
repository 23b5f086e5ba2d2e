// Types of the omotenashi browser runtime (hand-written; type-tested by
// web/types-test with tsc --noEmit). The same API is window.omotenashi (the
// classic script) and the ES module's exports (default export = the object).

/** `pending` (the default): decisions from page context only, nothing stored, nothing sent. */
export type ConsentState = 'granted' | 'denied' | 'pending';

/** Behaviour signals the engine records (only with consent). */
export type SignalType =
  | 'view' | 'dwell' | 'add_to_cart' | 'remove_from_cart' | 'purchase' | 'cart_view' | 'click' | 'page';

export interface SignalProps {
  sku?: string;
  category?: string;
  /** dwell: visible seconds */
  seconds?: number;
  quantity?: number;
  /** event id: a repeated id is ignored (replays, several tabs) */
  id?: string;
  /** purchase only: the 1-100 products of one order (instead of sku; without both, the whole cart) */
  items?: Array<string | PurchaseItem>;
}

export interface PurchaseItem {
  sku: string;
  category?: string;
  quantity?: number;
}

export interface DecisionImage {
  /** a URL written in the rules */
  src: string;
  alt?: string;
  srcset?: string;
}

export interface Reason {
  /** "slot/variant", or "default" */
  rule: string;
  /** the clauses that held, in words */
  conditions?: string[];
  /** the profile fields read, e.g. "profile.name" */
  fields?: string[];
  /** the site owner's words, from the rules */
  why?: string;
  experiment?: string;
  arm?: string;
  /** the default's reason, in words */
  summary?: string;
}

export interface Decision {
  slot: string;
  /** "default" when no variant applies: the page's own content stays */
  variant: string;
  kind?: 'content' | 'offer' | 'action';
  text?: string;
  image?: DecisionImage;
  /** offers: SKUs, best first */
  items?: string[];
  channel?: string;
  reason: Reason;
}

/** Declared profile fields (the rules' profile.fields); null clears a field. */
export type ProfileFields = Record<string, string | null>;

/** Everything stored on this device. `profile` is null unless consent is granted. */
export interface ExportedData {
  consent: ConsentState;
  profile: Record<string, unknown> | null;
}

export interface ConsentChange {
  state: ConsentState;
  previous: ConsentState | 'forget';
  /** who changed it: the visitor (API, buttons), a consent platform, or another tab */
  source: 'visitor' | 'cmp' | 'tab';
}

export interface EventMap {
  decision: Decision;
  consent: ConsentChange;
  error: Error;
}

export interface InitOptions {
  /** URL of the rules document */
  rules: string;
  /** URL of the collector (POST /v1/reports); no reports are sent without it */
  collect?: string;
  /** false: send reports even when Global Privacy Control is on (default true) */
  honorGpc?: boolean;
  /** returning visitors: slots stay hidden at most this long before the defaults show (default 400) */
  hideTimeoutMs?: number;
  /** the page's region, when the site knows it (profile.region wins) */
  region?: string;
  /** the .wasm bytes, when it cannot be fetched next to the script */
  wasmBinary?: ArrayBuffer | Uint8Array;
}

export interface Omotenashi {
  readonly VERSION: string;
  /** Resolves when rules and profile are loaded and the first decisions applied (also when the engine failed: the defaults stay, 'error' tells). */
  readonly ready: Promise<void>;
  /** Starts the runtime; the script tag's data-rules/data-collect do this for you. Idempotent. */
  init(options: InitOptions): Promise<void>;
  consent(state: ConsentState): Promise<void>;
  consentState(): ConsentState;
  /** Validates against the rules' schema; rejects with an Error naming the field. Stored only with consent. */
  setProfile(fields: ProfileFields): Promise<void>;
  /** Records a behaviour signal (with consent); slots are decided again at once. Throws on an invalid signal. */
  track(type: SignalType, props?: SignalProps): void;
  /** All current decisions. */
  decide(): Decision[];
  /** One slot's decision, or null for a slot the rules do not declare (or before ready). */
  decide(slot: string): Decision | null;
  /** Why a slot shows what it shows, in plain words. */
  explain(slot: string): string;
  exportData(): ExportedData;
  /** Erases everything stored on this device (IndexedDB included) and returns to 'pending'. */
  forget(): Promise<void>;
  /** Also dispatched on document as `omotenashi:TYPE` CustomEvents. Returns an unsubscribe function. */
  on<K extends keyof EventMap>(type: K, listener: (detail: EventMap[K]) => void): () => void;
  off<K extends keyof EventMap>(type: K, listener: (detail: EventMap[K]) => void): void;
}

declare const omotenashi: Omotenashi;
export default omotenashi;
export declare const VERSION: string;
export declare const ready: Promise<void>;
export declare const init: Omotenashi['init'];
export declare const consent: Omotenashi['consent'];
export declare const consentState: Omotenashi['consentState'];
export declare const setProfile: Omotenashi['setProfile'];
export declare const track: Omotenashi['track'];
export declare const decide: Omotenashi['decide'];
export declare const explain: Omotenashi['explain'];
export declare const exportData: Omotenashi['exportData'];
export declare const forget: Omotenashi['forget'];
export declare const on: Omotenashi['on'];
export declare const off: Omotenashi['off'];

declare global {
  interface Window {
    omotenashi: Omotenashi;
  }
  interface DocumentEventMap {
    'omotenashi:decision': CustomEvent<Decision>;
    'omotenashi:consent': CustomEvent<ConsentChange>;
    'omotenashi:error': CustomEvent<Error>;
  }
}
