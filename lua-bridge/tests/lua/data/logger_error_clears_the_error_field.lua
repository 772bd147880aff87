-- logger:error(msg, fields) clears `fields.error` in the caller's own table after it
-- logs it, as the original's loggerError does (`tbl.RawSetString("error", lua.LNil)`);
-- the other levels leave the table alone.
local logger = require("logger")

local function main()
  local fields = { error = "boom", id = 7 }
  logger:error("failed", fields)
  assert(fields.error == nil, "error cleared")
  assert(fields.id == 7, "other fields kept")
  local warned = { error = "kept" }
  logger:warn("warned", warned)
  assert(warned.error == "kept", "warn leaves the table alone")
  logger:error("no fields")
  return true
end

return { main = main }
