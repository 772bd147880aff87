-- Starts a call of a function that sleeps for ever and tells `parent` the function's
-- process (from the function itself), then, at "go", ends without waiting for the call:
-- returning, or terminating itself when `how` is "self".
local function main(parent, how)
  funcs.async("test:forever_fn", parent)
  process.inbox():receive()
  if how == "self" then
    process.terminate(process.pid())
  end
  return 0
end

return { main = main }
