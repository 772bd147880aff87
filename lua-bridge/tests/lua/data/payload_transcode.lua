-- payload:transcode(format) converts between formats; the data survives a round trip.
local function main()
  local p = payload.new({ a = 1, list = { "x", "y" } })
  local j, err = p:transcode(payload.format.JSON)
  if j == nil then
    return false, "transcode to JSON failed: " .. tostring(err)
  end
  if j:get_format() ~= payload.format.JSON then
    return false, "format after transcode: " .. tostring(j:get_format())
  end
  local data = j:data()
  if type(data) ~= "table" or data.a ~= 1 or data.list[2] ~= "y" then
    return false, "data changed through JSON"
  end
  local back = assert(j:transcode(payload.format.LUA))
  if back:data().list[1] ~= "x" then
    return false, "data changed back to Lua"
  end
  return true
end

return { main = main }
