-- +goose Up
-- draft_name_parts runs on every save of a draft (its trigger) and over every draft when
-- a bulk load fills draft_name_parts at once. As an SQL function with a subquery it cannot
-- be inlined, and PostgreSQL starts an executor for it on every call: about 240 µs a call.
-- The same loop in PL/pgSQL keeps its plan and takes about 18 µs. The result is unchanged:
-- every word-start suffix of the folded name, in order, '{}' for no name.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION draft_name_parts(v jsonb) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    words text[] := string_to_array(name_fold(concat_ws(' ', v->>'first_name', v->>'middle_name', v->>'last_name')), ' ');
    parts text[] := '{}';
BEGIN
    FOR i IN 1 .. coalesce(array_length(words, 1), 0) LOOP
        parts := parts || array_to_string(words[i:], ' ');
    END LOOP;
    RETURN parts;
END
$$;
-- +goose StatementEnd

-- +goose Down
CREATE OR REPLACE FUNCTION draft_name_parts(v jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT coalesce(array_agg(array_to_string(w[i:], ' ') ORDER BY i), '{}')
        FROM (SELECT string_to_array(name_fold(concat_ws(' ', v->>'first_name', v->>'middle_name', v->>'last_name')), ' ') AS w) s,
            generate_subscripts(s.w, 1) AS i);
