-- process.id() is the registry id of the running entry, "ns:name".
local function main()
  local id, err = process.id()
  if err then
    return false, "process.id failed: " .. tostring(err)
  end
  if id ~= "test:process_id" then
    return false, "process.id() = " .. tostring(id)
  end
  return true
end

return { main = main }
