import type { RefObject } from "preact";


interface FieldProps {
  id: string;
  label: string;
  type?: "text" | "password";
  value: string;
  error?: string | null;
  hint?: string;
  autoComplete?: string;
  onInput: (value: string) => void;
  onBlur?: (event: FocusEvent) => void;
  inputRef?: RefObject<HTMLInputElement | null>;
  maxLength?: number;
  autoCapitalize?: "none" | "off";
  spellcheck?: boolean;
}

/** A labelled input with its hint and inline error, wired with aria-describedby/aria-invalid. */
export function Field({ id, label, type = "text", value, error, hint, autoComplete, onInput, onBlur, inputRef, maxLength, autoCapitalize, spellcheck }: FieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(" ") || undefined;
  return (
    <div class={`field${error ? " field-invalid" : ""}`}>
      <label for={id}>{label}</label>
      <input
        id={id}
        name={id}
        // Preact's input typings discriminate on literal types; both values are valid here.
        type={type as "text"}
        value={value}
        autoComplete={autoComplete}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy}
        data-testid={`field-${id}`}
        ref={inputRef}
        onInput={(event) => onInput(event.currentTarget.value)}
        onBlur={onBlur}
        maxLength={maxLength}
        autoCapitalize={autoCapitalize}
        spellcheck={spellcheck}
      />
      {error ? (
        <p id={errorId} class="field-error" data-testid={`error-${id}`}>
          {error}
        </p>
      ) : null}
      {hint ? (
        <p id={hintId} class="field-hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
