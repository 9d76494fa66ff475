// Entry point of the VS Code extension (placeholder until the extension shell lands).
export function activate(): void {}
export function deactivate(): void {}
