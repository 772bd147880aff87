-- Raises at its chunk's top level, before it returns its exports.
local config = nil
local port = config.port

return { main = function() return port end }
