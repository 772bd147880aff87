-- logger needs colon syntax (logger:info(msg, fields)); dot syntax fails; :with and
-- :named return loggers; print works (it logs).
local logger = require("logger")

local function main()
  logger:info("info message", { key = "value", n = 1 })
  logger:debug("debug message")
  logger:warn("warn message", { nested = { a = 1 } })
  logger:error("error message")
  local child = logger:with({ request = 7 })
  child:info("with fields")
  local named = logger:named("sub")
  named:info("named logger")
  local ok = pcall(function() logger.info("dot syntax") end)
  if ok then
    return false, "logger.info (dot syntax) did not fail"
  end
  print("print", "works", 1, nil, true)
  return true
end

return { main = main }
