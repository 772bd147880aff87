-- Reports to `parent` what it sees of leaked_global and string.leaked (topic "globals").
local function main(parent)
  process.send(parent, "globals", { global = leaked_global, string_field = string.leaked })
  return true
end

return { main = main }
