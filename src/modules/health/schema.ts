// Wire shape of the health checks.
import { Type } from 'typebox'

export const Status = Type.Object({ status: Type.String() })
