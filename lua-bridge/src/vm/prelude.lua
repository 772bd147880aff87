-- Turns a Rust "try" function into a blocking Lua function: the Rust side either
-- answers at once (tag true), asks to raise (tag RAISE), or registers a wait and
-- returns (WAIT, op); then this coroutine yields to the process driver, which resumes
-- it with the same tags once the op completed.
local WAIT, RAISE, yield, raise = ...
local function finish(tag, a, b, c)
  if tag == RAISE then raise(a, 2) end
  return a, b, c
end
return function(f)
  return function(...)
    local tag, a, b, c = f(...)
    if tag == WAIT then return finish(yield(WAIT, a)) end
    if tag == RAISE then raise(a, 2) end
    return a, b, c
  end
end
