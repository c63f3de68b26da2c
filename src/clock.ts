// The clock every service and plugin is given (injected, so tests can fix "today"). A leaf:
// it imports nothing, so anything may depend on it.

export type Clock = () => Date
