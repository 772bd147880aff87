-- (Run with a 16 MiB per-process limit.) A process that keeps the messages it receives
-- holds their payloads on the Rust side, where Lua's allocator does not see them; they
-- count against the process's memory limit all the same: the process fails with
-- "memory limit exceeded", and this process carries on.
local wait = require("wait")

local function main()
  return wait.fails_over_memory_limit("test:rust_hog_worker", "8s", "received")
end

return { main = main }
