-- Returns env.get(name) (or raises its error).
local env = require("env")

local function main(name)
  return assert(env.get(name))
end

return { main = main }
