/** What a store method answers when a rule it checks refused the change: the error the client gets. */
import type { ErrorCode, ErrorParams } from '../../errors.js';

export type StoreFailure = { ok: false; code: ErrorCode; params: ErrorParams };
