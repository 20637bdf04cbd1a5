-- SPDX-License-Identifier: GPL-2.0
--
-- mipkex.lua: a Wireshark/tshark dissector for the mipkex elements of Mobile
-- IPv4 registration messages (Documentation/protocol.rst, sections 4-7):
-- NAI, IP address, layer-2 address and security association elements, SA,
-- proposal and transform payloads, and the three key-exchange payloads,
-- carried in the CVSEs (type 38) and NVSEs (type 134) of one vendor id.
--
-- Install: copy this file to ~/.local/lib/wireshark/plugins/ (create the
-- directory if needed; "Help > About Wireshark > Folders" shows the personal
-- Lua plugins folder), then restart Wireshark or reload Lua plugins
-- (Ctrl+Shift+L). Or load it for one run only:
--
--   tshark -X lua_script:mipkex.lua -r capture.pcap -O mip,mipkex
--   tshark -X lua_script:mipkex.lua -r capture.pcap -Y mipkex.ke.group==31
--   tshark -X lua_script:mipkex.lua -o mipkex.vendor:12345 -r capture.pcap
--
-- The vendor id (default 32473, the documentation number of RFC 5612) is the
-- preference "mipkex.vendor" (Edit > Preferences > Protocols > MIPKEX).
--
-- How it hooks in: Wireshark's Mobile IP dissector (UDP port 434) shows a
-- CVSE's value as raw bytes and has no per-vendor table for CVSEs, so this
-- is a post-dissector: it finds each Mobile IP message in the frame through
-- the "mip" protocol field and walks the message's extensions itself. It
-- decodes NVSEs in the same walk rather than through the "mip.nvse_ext"
-- table, because the rules for the elements (CVSE before the MN-HA
-- authentication extension, NVSE after it, an NVSE SA payload before an
-- FA-HA authentication extension, no element twice, the index of
-- an encrypted element among the message's encrypted elements) need the
-- whole message; the Mobile IP tree keeps its own fields unchanged. The
-- decoded elements appear in a "mipkex" tree after the Mobile IP one;
-- problems are expert infos (Analyze > Expert Information, or the
-- mipkex.expert.* fields).

local VENDOR_DEFAULT = 32473

local p = Proto("mipkex", "MIPKEX (Mobile IPv4 key exchange elements)")

p.prefs.vendor = Pref.uint("Vendor id", VENDOR_DEFAULT,
	"The vendor id of the CVSEs and NVSEs that carry mipkex elements " ..
	"(a Private Enterprise Number; both ends are configured with it)")

-- --- names --------------------------------------------------------------

local EXT_CVSE, EXT_NVSE, EXT_MN_HA_AUTH, EXT_FA_HA_AUTH = 38, 134, 32, 34

local carrier_names = { [EXT_CVSE] = "CVSE", [EXT_NVSE] = "NVSE" }

local vt_names = {
	[1] = "NAI",
	[2] = "IP address",
	[3] = "Layer-2 address",
	[4] = "Security association",
	[5] = "SA payload",
	[6] = "Proposal payload",
	[7] = "Transform payload",
	[8] = "Key exchange, predefined DH group",
	[9] = "Key exchange, user-defined group",
	[10] = "Key exchange, KDC secret key",
}

local content_names = {
	[1] = { [0] = "mobile node", [1] = "foreign agent",
		[2] = "home agent" },
	[2] = { [0] = "home address", [1] = "router" },
	[3] = { [0] = "Ethernet MAC-48", [1] = "IMSI", [2] = "MIN" },
	[4] = { [0] = "MN-FA (KEY3)", [1] = "FA-HA (KEY2)",
		[2] = "MN-HA (KEY1)" },
}
local n_content = { [1] = 3, [2] = 2, [3] = 3, [4] = 3 }

local sap_subtypes = {
	[1] = "MN-HA", [2] = "MN-FA", [3] = "FA-HA",
	[4] = "MN-SMM (reserved)",
}

local protocols = { [50] = "ESP", [51] = "AH" }
local protocol_ids = {
	[1] = "authentication only",
	[2] = "encryption and authentication",
}

local xform_types = {
	[1] = "Encryption algorithm (ENCR)",
	[2] = "Pseudorandom function (PRF)",
	[3] = "Integrity algorithm (INTEG)",
	[4] = "Diffie-Hellman group (D-H)",
	[5] = "Extended sequence numbers (ESN)",
}
local xform_ids = {
	[1] = {
		[3] = "ENCR_3DES", [12] = "ENCR_AES_CBC",
		[13] = "ENCR_AES_CTR", [18] = "ENCR_AES_CCM_16",
		[19] = "ENCR_AES_GCM_12", [20] = "ENCR_AES_GCM_16",
		[28] = "ENCR_CHACHA20_POLY1305",
	},
	[3] = {
		[2] = "AUTH_HMAC_SHA1_96", [12] = "AUTH_HMAC_SHA2_256_128",
		[13] = "AUTH_HMAC_SHA2_384_192",
		[14] = "AUTH_HMAC_SHA2_512_256",
	},
}
local attr_types = { [14] = "Key Length" }

-- group: name, public value length, policy
local groups = {
	[1] = { "768-bit MODP", 96, "legacy" },
	[2] = { "1024-bit MODP", 128, "legacy" },
	[14] = { "2048-bit MODP", 256 },
	[15] = { "3072-bit MODP", 384 },
	[31] = { "Curve25519", 32 },
}
local group_names = {}
for k, v in pairs(groups) do group_names[k] = v[1] end

local kdc_modes = { [1] = "stateful", [2] = "semi-stateful" }

-- For the Info column; "*" marks an encrypted element.
local vt_short = {
	[1] = "NAI", [2] = "IP", [3] = "L2", [4] = "SA", [5] = "SAP",
	[6] = "PROP", [7] = "XFORM", [8] = "KE", [9] = "KE-USER",
	[10] = "KDC",
}

local TAG_LEN = 16

-- --- fields -------------------------------------------------------------

local hf = {
	element = ProtoField.none("mipkex.element", "Element"),
	carrier = ProtoField.uint8("mipkex.carrier", "Carried in", base.DEC,
		{ [EXT_CVSE] = "CVSE (critical)",
		  [EXT_NVSE] = "NVSE (normal)" }),
	vendor = ProtoField.uint32("mipkex.vendor", "Vendor id", base.DEC),
	vtype = ProtoField.uint16("mipkex.vtype", "Vendor type", base.DEC,
		vt_names),
	value_len = ProtoField.uint16("mipkex.value_len", "Value length",
		base.DEC),

	-- vendor types 1-4
	content = ProtoField.uint8("mipkex.content", "Content type", base.DEC),
	flags = ProtoField.uint8("mipkex.flags", "Flags", base.HEX),
	flag_e = ProtoField.bool("mipkex.flags.e", "E (INFO encrypted)", 8,
		nil, 0x80),
	flag_rsv = ProtoField.uint8("mipkex.flags.reserved", "Reserved",
		base.HEX, nil, 0x7f),
	spi = ProtoField.uint32("mipkex.spi", "SPI", base.HEX),
	info = ProtoField.bytes("mipkex.info", "INFO"),
	info_len = ProtoField.uint16("mipkex.info_len", "INFO length",
		base.DEC),
	ciphertext = ProtoField.bytes("mipkex.ciphertext", "Ciphertext"),
	tag = ProtoField.bytes("mipkex.tag", "AEAD tag"),
	aead_index = ProtoField.uint8("mipkex.aead_index",
		"Index among the encrypted elements", base.DEC),
	nai = ProtoField.string("mipkex.nai", "NAI"),
	ip = ProtoField.ipv4("mipkex.ip", "IP address"),
	mac = ProtoField.ether("mipkex.l2.mac", "MAC-48"),
	imsi = ProtoField.string("mipkex.l2.imsi", "IMSI"),
	min = ProtoField.string("mipkex.l2.min", "MIN"),
	sa_spi = ProtoField.uint32("mipkex.sa.spi", "SA SPI", base.HEX),
	sa_lifetime = ProtoField.uint32("mipkex.sa.lifetime", "Lifetime",
		base.DEC),
	sa_key_len = ProtoField.uint8("mipkex.sa.key_len", "Key length",
		base.DEC),
	sa_rsv = ProtoField.uint8("mipkex.sa.reserved", "Reserved", base.HEX),
	sa_key = ProtoField.bytes("mipkex.sa.key", "Key"),

	-- vendor types 5-7
	sap_subtype = ProtoField.uint8("mipkex.sap.subtype", "Sub-type",
		base.DEC, sap_subtypes),
	sap_rsv = ProtoField.uint8("mipkex.sap.reserved", "Reserved",
		base.HEX),
	proposal = ProtoField.none("mipkex.proposal", "Proposal"),
	prop_type = ProtoField.uint16("mipkex.proposal.type", "Type",
		base.DEC, vt_names),
	prop_len = ProtoField.uint16("mipkex.proposal.length", "Length",
		base.DEC),
	prop_number = ProtoField.uint8("mipkex.proposal.number",
		"Proposal number", base.DEC),
	prop_protocol = ProtoField.uint8("mipkex.proposal.protocol",
		"Protocol", base.DEC, protocols),
	prop_protocol_id = ProtoField.uint8("mipkex.proposal.protocol_id",
		"Protocol id", base.DEC, protocol_ids),
	prop_n_xforms = ProtoField.uint8("mipkex.proposal.n_transforms",
		"Number of transforms", base.DEC),
	prop_lifetime = ProtoField.uint32("mipkex.proposal.lifetime",
		"Lifetime", base.DEC),
	prop_spi = ProtoField.uint32("mipkex.proposal.spi", "SPI", base.HEX),
	xform = ProtoField.none("mipkex.transform", "Transform"),
	xf_type = ProtoField.uint16("mipkex.transform.payload_type", "Type",
		base.DEC, vt_names),
	xf_len = ProtoField.uint16("mipkex.transform.length", "Length",
		base.DEC),
	xf_number = ProtoField.uint8("mipkex.transform.number",
		"Transform number", base.DEC),
	xf_ttype = ProtoField.uint8("mipkex.transform.type",
		"Transform type", base.DEC, xform_types),
	xf_id = ProtoField.uint16("mipkex.transform.id", "Transform id",
		base.DEC),
	xf_n_keys = ProtoField.uint8("mipkex.transform.n_keys",
		"Number of keys", base.DEC),
	xf_rsv = ProtoField.uint8("mipkex.transform.reserved", "Reserved",
		base.HEX),
	attr = ProtoField.none("mipkex.attr", "Attribute"),
	attr_type = ProtoField.uint16("mipkex.attr.type", "Attribute type",
		base.DEC, attr_types),
	attr_len = ProtoField.uint16("mipkex.attr.length", "Length",
		base.DEC),
	attr_value = ProtoField.bytes("mipkex.attr.value", "Value"),
	attr_key_len = ProtoField.uint16("mipkex.attr.key_length",
		"Key length (bits)", base.DEC),

	-- vendor types 8-10
	ke_group = ProtoField.uint16("mipkex.ke.group", "DH group", base.DEC,
		group_names),
	ke_rsv = ProtoField.uint16("mipkex.ke.reserved", "Reserved",
		base.HEX),
	ke_pub = ProtoField.bytes("mipkex.ke.public", "Public value"),
	ke_pub_len = ProtoField.uint16("mipkex.ke.public_len",
		"Public value length", base.DEC),
	ke_prime_len = ProtoField.uint16("mipkex.ke.prime_len",
		"Prime length", base.DEC),
	ke_prime = ProtoField.bytes("mipkex.ke.prime", "Prime"),
	ke_gen_len = ProtoField.uint16("mipkex.ke.generator_len",
		"Generator length", base.DEC),
	ke_gen = ProtoField.bytes("mipkex.ke.generator", "Generator"),
	kdc_mode = ProtoField.uint8("mipkex.kdc.mode", "Mode", base.DEC,
		kdc_modes),
	kdc_rsv = ProtoField.uint8("mipkex.kdc.reserved", "Reserved",
		base.HEX),
	kdc_spi = ProtoField.uint32("mipkex.kdc.spi", "SPI", base.HEX),
	kdc_key = ProtoField.bytes("mipkex.kdc.key", "Wrapped key"),
}

local fields = {}
for _, f in pairs(hf) do fields[#fields + 1] = f end
p.fields = fields

local ex = {
	malformed = ProtoExpert.new("mipkex.expert.malformed",
		"Malformed mipkex element", expert.group.MALFORMED,
		expert.severity.ERROR),
	placement = ProtoExpert.new("mipkex.expert.placement",
		"mipkex element on the wrong side of an authentication extension",
		expert.group.PROTOCOL, expert.severity.ERROR),
	duplicate = ProtoExpert.new("mipkex.expert.duplicate",
		"mipkex element repeated", expert.group.PROTOCOL,
		expert.severity.ERROR),
	reserved_vtype = ProtoExpert.new("mipkex.expert.reserved_vtype",
		"Reserved mipkex vendor type", expert.group.PROTOCOL,
		expert.severity.ERROR),
	skipped = ProtoExpert.new("mipkex.expert.skipped",
		"NVSE with a reserved vendor type, skipped",
		expert.group.PROTOCOL, expert.severity.NOTE),
	reserved = ProtoExpert.new("mipkex.expert.reserved",
		"Reserved field not zero", expert.group.PROTOCOL,
		expert.severity.NOTE),
	order = ProtoExpert.new("mipkex.expert.order",
		"Proposals or transforms out of order", expert.group.PROTOCOL,
		expert.severity.WARN),
	insecure = ProtoExpert.new("mipkex.expert.insecure",
		"Key delivered in clear", expert.group.SECURITY,
		expert.severity.WARN),
	legacy = ProtoExpert.new("mipkex.expert.legacy",
		"Legacy Diffie-Hellman group", expert.group.SECURITY,
		expert.severity.NOTE),
}
p.experts = { ex.malformed, ex.placement, ex.duplicate, ex.reserved_vtype,
	ex.skipped, ex.reserved, ex.order, ex.insecure, ex.legacy }

local f_mip = Field.new("mip")

-- --- helpers ------------------------------------------------------------

local function name_of(tbl, v)
	return tbl[v] or "unknown"
end

local function bad(item, text)
	item:add_proto_expert_info(ex.malformed, text)
end

-- "1 byte", "2 bytes"
local function plural(n, what)
	return n .. " " .. what .. (n == 1 and "" or "s")
end

local function all_digits(s)
	return s:match("^%d*$") ~= nil
end

-- Add a reserved field and note it when it is not zero.
local function reserved(tree, field, r)
	local item = tree:add(field, r)
	if r:uint() ~= 0 then
		item:add_proto_expert_info(ex.reserved,
			"Reserved field not zero (ignored on receipt)")
	end
end

-- --- vendor types 1-4 ---------------------------------------------------

-- The plaintext INFO of each element (protocol.rst 5.1-5.4).
local function dissect_info(vtype, content, r, tree, el)
	local n = r:len()
	if vtype == 1 then
		if n < 1 or n > 253 then
			bad(el, "NAI of " .. n .. " bytes (1-253)")
		end
		if n > 0 then tree:add(hf.nai, r) end
	elseif vtype == 2 then
		if n ~= 4 then
			bad(el, "IP address INFO of " .. n .. " bytes (4)")
			if n > 0 then tree:add(hf.info, r) end
		else
			tree:add(hf.ip, r)
		end
	elseif vtype == 3 then
		if content == 0 then
			if n ~= 6 then
				bad(el, "Ethernet address of " .. n ..
					" bytes (6)")
				if n > 0 then tree:add(hf.info, r) end
			else
				tree:add(hf.mac, r)
			end
		elseif content == 1 or content == 2 then
			local s = n > 0 and r:string() or ""
			local ok = all_digits(s) and ((content == 1 and
				n >= 6 and n <= 15) or (content == 2 and
				n == 10))
			if n > 0 then
				tree:add(content == 1 and hf.imsi or hf.min, r)
			end
			if not ok then
				bad(el, (content == 1 and
					"IMSI must be 6-15 ASCII digits" or
					"MIN must be 10 ASCII digits"))
			end
		end
	elseif vtype == 4 then
		if n < 10 then
			bad(el, "SA INFO of " .. n ..
				" bytes, shorter than its 10-byte header")
			if n > 0 then tree:add(hf.info, r) end
			return
		end
		tree:add(hf.sa_spi, r:range(0, 4))
		tree:add(hf.sa_lifetime, r:range(4, 4))
		local kl = r:range(8, 1):uint()
		local ki = tree:add(hf.sa_key_len, r:range(8, 1))
		reserved(tree, hf.sa_rsv, r:range(9, 1))
		if n > 10 then tree:add(hf.sa_key, r:range(10)) end
		if kl < 16 or kl > 64 then
			bad(ki, "key length " .. kl .. " (16-64)")
		end
		if n ~= 10 + kl then
			bad(ki, "key length " .. kl .. " but " .. (n - 10) ..
				" key bytes")
		end
	end
end

-- The plaintext length range of each element's INFO, to check the length
-- of an encrypted one (AES-GCM and ChaCha20-Poly1305 keep the length).
local function plain_range(vtype, content)
	if vtype == 1 then return 1, 253 end
	if vtype == 2 then return 4, 4 end
	if vtype == 3 then
		if content == 0 then return 6, 6 end
		if content == 1 then return 6, 15 end
		return 10, 10
	end
	return 10 + 16, 10 + 64
end

local function dissect_gp(st, vr, tree, el, vtype)
	local n = vr:len()
	if n < 6 then
		bad(el, "element of " .. n ..
			" bytes, shorter than its 6-byte header")
		return
	end
	local content = vr:range(0, 1):uint()
	local flags = vr:range(1, 1):uint()
	local spi = vr:range(2, 4):uint()
	local e = flags >= 0x80
	local ci = tree:add(hf.content, vr:range(0, 1))
	ci:append_text(" (" .. name_of(content_names[vtype], content) .. ")")
	local fi = tree:add(hf.flags, vr:range(1, 1))
	fi:add(hf.flag_e, vr:range(1, 1))
	local ri = fi:add(hf.flag_rsv, vr:range(1, 1))
	if flags % 0x80 ~= 0 then
		ri:add_proto_expert_info(ex.reserved,
			"Reserved flag bits set (ignored on receipt)")
	end
	local si = tree:add(hf.spi, vr:range(2, 4))
	local info_len = n - 6
	tree:add(hf.info_len, info_len):set_generated()

	el:append_text(string.format(", content %d (%s), E=%d",
		content, name_of(content_names[vtype], content), e and 1 or 0))
	if e then el:append_text(string.format(", SPI 0x%08x", spi)) end

	if content >= n_content[vtype] then
		bad(ci, "undefined content type " .. content .. " for " ..
			vt_names[vtype])
	end

	if vtype == 4 then
		-- KEY2 never goes to the MN, KEY1 never to the FA (5.4).
		if st.carrier == EXT_CVSE and content == 1 then
			bad(ci, "KEY2 (content 1) in a CVSE, for the MN")
		elseif st.carrier ~= EXT_CVSE and content == 2 then
			bad(ci, "KEY1 (content 2) in an NVSE, for the FA")
		end
		local key = (st.carrier == EXT_CVSE and "mn_sa" or "fa_sa") ..
			content
		st:once(key, el, "security association element, content " ..
			content)
	elseif vtype == 3 then
		st:once("l2", el, "layer-2 address element")
	elseif content == 0 then
		st:once(vtype == 1 and "nai" or "ip", el,
			(vtype == 1 and "NAI" or "IP address") ..
			" element, content 0")
	end

	if e then
		if spi < 256 then
			bad(si, "encrypted element under SPI " .. spi ..
				" (0-255 are reserved)")
		end
		-- protocol.rst 8.2: numbered per direction, so CVSEs (to the
		-- MN or HA) and NVSEs (to the FA) each count from 0.
		local ck = st.carrier == EXT_CVSE and "cvse" or "nvse"
		local idx = st.n_sealed[ck]
		st.n_sealed[ck] = idx + 1
		tree:add(hf.aead_index, idx):set_generated()
		if info_len <= TAG_LEN then
			bad(el, "encrypted INFO of " .. info_len ..
				" bytes, not longer than its 16-byte tag")
			if info_len > 0 then tree:add(hf.info, vr:range(6)) end
			return
		end
		tree:add(hf.ciphertext, vr:range(6, info_len - TAG_LEN))
		tree:add(hf.tag, vr:range(n - TAG_LEN, TAG_LEN))
		local lo, hi = plain_range(vtype, content)
		local pt = info_len - TAG_LEN
		if content < n_content[vtype] and (pt < lo or pt > hi) then
			bad(el, string.format("ciphertext of %d bytes, but " ..
				"this element's INFO has %s", pt, lo == hi and
				tostring(lo) or (lo .. "-" .. hi)))
		end
		return
	end

	if spi ~= 0 then
		bad(si, "clear element (E=0) with a non-zero SPI")
	end
	if info_len == 0 then
		dissect_info(vtype, content, vr:range(0, 0), tree, el)
		return
	end
	local ir = vr:range(6)
	local it = tree:add(hf.info, ir)
	dissect_info(vtype, content, ir, it, el)
	if vtype == 4 then
		el:add_proto_expert_info(ex.insecure,
			"Key in clear (E=0): only for an FA configured " ..
			"insecure")
	end
end

-- --- vendor types 5-7 ---------------------------------------------------

local function dissect_attrs(r, tree, el)
	local off, n = 0, r:len()
	while off < n do
		if n - off < 4 then
			bad(el, "transform attribute header runs past its " ..
				"transform")
			return
		end
		local alen = r:range(off + 2, 2):uint()
		if alen > n - off - 4 then
			local ai = tree:add(hf.attr, r:range(off))
			bad(ai, "transform attribute of length " .. alen ..
				" runs past its transform")
			return
		end
		local ar = r:range(off, 4 + alen)
		local atype = r:range(off, 2):uint()
		local ai = tree:add(hf.attr, ar)
		ai:set_text("Attribute: " .. name_of(attr_types, atype))
		ai:add(hf.attr_type, r:range(off, 2))
		ai:add(hf.attr_len, r:range(off + 2, 2))
		if atype == 14 and alen == 2 then
			local kb = r:range(off + 4, 2):uint()
			ai:add(hf.attr_key_len, r:range(off + 4, 2))
			ai:append_text(" " .. kb)
		elseif alen > 0 then
			ai:add(hf.attr_value, r:range(off + 4, alen))
		end
		if atype == 14 and alen ~= 2 then
			bad(ai, "Key Length attribute of " .. alen ..
				" bytes (2)")
		end
		off = off + 4 + alen
	end
end

-- Returns the number of transforms found.
local function dissect_transforms(r, tree, el)
	local off, n, count, last = 0, r:len(), 0, 0
	while off < n do
		local left = n - off
		if left < 10 then
			bad(el, "transform header runs past its proposal (" ..
				plural(left, "byte") .. " left)")
			return count
		end
		local ptype = r:range(off, 2):uint()
		if ptype ~= 7 then
			bad(el, "payload of type " .. ptype ..
				" in a proposal is not a transform")
			return count
		end
		local tlen = r:range(off + 2, 2):uint()
		if tlen < 10 or tlen > left then
			local xi = tree:add(hf.xform, r:range(off))
			bad(xi, "transform length " .. tlen ..
				" disagrees with its proposal (" ..
				plural(left, "byte") .. " left, header 10)")
			return count
		end
		count = count + 1
		local xr = r:range(off, tlen)
		local number = xr:range(4, 1):uint()
		local ttype = xr:range(5, 1):uint()
		local id = xr:range(6, 2):uint()
		local idname = name_of(xform_ids[ttype] or {}, id)
		local xi = tree:add(hf.xform, xr)
		xi:set_text(string.format("Transform %d: %s", number, idname))
		xi:add(hf.xf_type, xr:range(0, 2))
		xi:add(hf.xf_len, xr:range(2, 2))
		local ni = xi:add(hf.xf_number, xr:range(4, 1))
		xi:add(hf.xf_ttype, xr:range(5, 1))
		xi:add(hf.xf_id, xr:range(6, 2)):append_text(" (" .. idname ..
			")")
		xi:add(hf.xf_n_keys, xr:range(8, 1))
		reserved(xi, hf.xf_rsv, xr:range(9, 1))
		if number == 0 then
			bad(ni, "transform number 0 (1-255)")
		elseif number <= last then
			ni:add_proto_expert_info(ex.order,
				"transform numbers not increasing")
		end
		last = number
		if tlen > 10 then dissect_attrs(xr:range(10), xi, xi) end
		off = off + tlen
	end
	return count
end

local function dissect_proposal(pr, tree)
	local number = pr:range(4, 1):uint()
	local protocol = pr:range(5, 1):uint()
	local pid = pr:range(6, 1):uint()
	local nx = pr:range(7, 1):uint()
	local spi = pr:range(12, 4):uint()
	local pi = tree:add(hf.proposal, pr)
	pi:set_text(string.format("Proposal %d: %s, %s, %d transform%s, " ..
		"SPI 0x%08x", number, name_of(protocols, protocol),
		name_of(protocol_ids, pid), nx, nx == 1 and "" or "s", spi))
	pi:add(hf.prop_type, pr:range(0, 2))
	pi:add(hf.prop_len, pr:range(2, 2))
	local ni = pi:add(hf.prop_number, pr:range(4, 1))
	local ri = pi:add(hf.prop_protocol, pr:range(5, 1))
	local ii = pi:add(hf.prop_protocol_id, pr:range(6, 1))
	local ci = pi:add(hf.prop_n_xforms, pr:range(7, 1))
	pi:add(hf.prop_lifetime, pr:range(8, 4))
	local si = pi:add(hf.prop_spi, pr:range(12, 4))
	if number == 0 then bad(ni, "proposal number 0 (1-255)") end
	if not protocols[protocol] then
		bad(ri, "protocol " .. protocol .. " (50 ESP or 51 AH)")
	end
	if not protocol_ids[pid] then
		bad(ii, "protocol id " .. pid .. " (1 or 2)")
	end
	if nx == 0 then bad(ci, "no transform (1-255)") end
	if spi < 256 then bad(si, "SPI below 256") end
	local found = 0
	if pr:len() > 16 then
		found = dissect_transforms(pr:range(16), pi, pi)
	end
	if found ~= nx then
		bad(ci, "proposal announces " .. plural(nx, "transform") ..
			", " .. found .. " found")
	end
	return number
end

local function dissect_sa_payload(st, vr, tree, el)
	local n = vr:len()
	if n < 2 then
		bad(el, "SA payload of " .. n .. " bytes (sub-type, reserved)")
		return
	end
	local sub = vr:range(0, 1):uint()
	local si = tree:add(hf.sap_subtype, vr:range(0, 1))
	reserved(tree, hf.sap_rsv, vr:range(1, 1))
	el:append_text(", " .. name_of(sap_subtypes, sub))
	-- protocol.rst 4, 6.5: MN-HA and MN-FA in CVSEs, between the MN and
	-- the HA; MN-FA and FA-HA in NVSEs, between the FA and the HA. Each
	-- sub-type at most once on each side: the MN-FA one may appear twice.
	if sub < 1 or sub > 3 then
		bad(si, "undefined SA payload sub-type " .. sub)
	elseif st.carrier == EXT_CVSE and sub == 3 then
		bad(si, "FA-HA SA payload (sub-type 3) in a CVSE: it " ..
			"travels only in an NVSE, between the FA and the HA")
	elseif st.carrier ~= EXT_CVSE and sub == 1 then
		bad(si, "MN-HA SA payload (sub-type 1) in an NVSE: it " ..
			"travels only in a CVSE, between the MN and the HA")
	else
		local side = st.carrier == EXT_CVSE and "cvse_" or "nvse_"
		st:once(side .. "sap" .. sub, el, "SA payload " ..
			sap_subtypes[sub] .. " in a" ..
			(st.carrier == EXT_CVSE and " CVSE" or "n NVSE"))
	end
	local off, found, last, seen = 2, 0, 0, {}
	while off < n do
		local left = n - off
		if left < 16 then
			bad(el, "proposal header runs past the SA payload (" ..
				plural(left, "byte") .. " left)")
			return
		end
		local ptype = vr:range(off, 2):uint()
		if ptype ~= 6 then
			bad(el, "payload of type " .. ptype ..
				" in an SA payload is not a proposal")
			return
		end
		local plen = vr:range(off + 2, 2):uint()
		if plen < 16 or plen > left then
			local pi = tree:add(hf.proposal, vr:range(off))
			bad(pi, "proposal length " .. plen ..
				" disagrees with its SA payload (" ..
				plural(left, "byte") .. " left, header 16)")
			return
		end
		found = found + 1
		local number = dissect_proposal(vr:range(off, plen), tree)
		if number ~= last and seen[number] then
			bad(el, "proposals numbered " .. number ..
				" are not adjacent")
		elseif number < last then
			bad(el, "proposal numbers decrease")
		end
		seen[number], last = true, number
		off = off + plen
	end
	if found == 0 then bad(el, "SA payload without a proposal") end
	el:append_text(", " .. plural(found, "proposal"))
end

-- --- vendor types 8-10 --------------------------------------------------

local function dissect_ke_group(vr, tree, el)
	local n = vr:len()
	if n < 4 then
		bad(el, "key exchange of " .. n ..
			" bytes, shorter than its 4-byte header")
		return
	end
	local group = vr:range(0, 2):uint()
	local gi = tree:add(hf.ke_group, vr:range(0, 2))
	reserved(tree, hf.ke_rsv, vr:range(2, 2))
	tree:add(hf.ke_pub_len, n - 4):set_generated()
	if n > 4 then tree:add(hf.ke_pub, vr:range(4)) end
	el:append_text(", group " .. group)
	local g = groups[group]
	if not g then
		bad(gi, "undefined Diffie-Hellman group " .. group)
		return
	end
	if n - 4 ~= g[2] then
		bad(gi, string.format("public value of %d bytes, group %d " ..
			"has %d", n - 4, group, g[2]))
	end
	if g[3] then
		gi:add_proto_expert_info(ex.legacy, "group " .. group ..
			" is accepted only by a node configured legacy")
	end
end

local function dissect_ke_user(vr, tree, el)
	local n, off = vr:len(), 0
	-- prime length, prime, generator length, generator, public length,
	-- public value; each length checked against what is left.
	local parts = {
		{ hf.ke_prime_len, hf.ke_prime, "prime" },
		{ hf.ke_gen_len, hf.ke_gen, "generator" },
		{ hf.ke_pub_len, hf.ke_pub, "public value" },
	}
	local lens = {}
	for i, part in ipairs(parts) do
		if n - off < 2 then
			bad(el, part[3] .. " length runs past the element")
			return
		end
		local l = vr:range(off, 2):uint()
		local li = tree:add(part[1], vr:range(off, 2))
		off = off + 2
		if l > n - off then
			bad(li, part[3] .. " of " .. l ..
				" bytes runs past the element")
			return
		end
		if l > 0 then tree:add(part[2], vr:range(off, l)) end
		off = off + l
		lens[i] = l
		if i == 1 and (l < 256 or l > 1024) then
			bad(li, "prime of " .. l .. " bytes (256-1024)")
		elseif i == 1 then
			el:append_text(", " .. (l * 8) .. "-bit prime")
		elseif i == 2 and (l < 1 or l > lens[1]) then
			bad(li, "generator of " .. l .. " bytes (1-" ..
				lens[1] .. ")")
		elseif i == 3 and l ~= lens[1] then
			bad(li, "public value of " .. l ..
				" bytes, the prime has " .. lens[1])
		end
	end
	if off ~= n then
		bad(el, (n - off) .. " bytes after the public value")
	end
end

local function dissect_ke_kdc(vr, tree, el)
	local n = vr:len()
	if n < 6 then
		bad(el, "KDC payload of " .. n ..
			" bytes, shorter than its 6-byte header")
		return
	end
	local mode = vr:range(0, 1):uint()
	local mi = tree:add(hf.kdc_mode, vr:range(0, 1))
	reserved(tree, hf.kdc_rsv, vr:range(1, 1))
	local spi = vr:range(2, 4):uint()
	local si = tree:add(hf.kdc_spi, vr:range(2, 4))
	if spi ~= 0 and spi < 256 then
		bad(si, "SPI " .. spi .. " (0, or a KEY0 SPI of 256 or more)")
	end
	el:append_text(", " .. name_of(kdc_modes, mode))
	if not kdc_modes[mode] then
		bad(mi, "undefined KDC mode " .. mode)
	end
	if n > 6 then
		local ki = tree:add(hf.kdc_key, vr:range(6))
		if n - 6 <= TAG_LEN then
			bad(ki, "wrapped key of " .. (n - 6) ..
				" bytes, not longer than its 16-byte tag")
		end
	end
end

-- --- message walk -------------------------------------------------------

local function is_long(t)
	return t == 36 or t == 38 or t == 47
end

-- Message state for the rules that span elements.
local State = {}
State.__index = State

function State:once(key, item, what)
	if self.seen[key] then
		item:add_proto_expert_info(ex.duplicate, what ..
			" repeated (first at offset " .. self.seen[key] .. ")")
	else
		self.seen[key] = self.off
	end
end

local function dissect_element(st, mr, ext, tree)
	local er = mr:range(ext.off, ext.hdr + ext.len)
	local vr = ext.vlen > 0 and mr:range(ext.voff, ext.vlen) or
		mr:range(ext.voff, 0)
	local vtype = ext.vtype
	local carrier = carrier_names[ext.type]
	local el = tree:add(hf.element, er)
	el:set_text(string.format("%s %d: %s", carrier, vtype,
		name_of(vt_names, vtype)))
	el:add(hf.carrier, er:range(0, 1))
	el:add(hf.vendor, er:range(4, 4))
	el:add(hf.vtype, er:range(8, 2))
	el:add(hf.value_len, ext.vlen):set_generated()
	st.carrier, st.off = ext.type, ext.off

	-- Vendor types 1-10 are defined; NVSEs carry only types 4 and 5.
	if vtype < 1 or vtype > 10 then
		if ext.type == EXT_CVSE then
			el:add_proto_expert_info(ex.reserved_vtype,
				"reserved vendor type " .. vtype .. " in a " ..
				"CVSE: the message must be rejected " ..
				"(code 140/141 at an HA, 100/101 at an FA)")
		else
			el:add_proto_expert_info(ex.skipped,
				"NVSE with reserved vendor type " .. vtype ..
				", skipped")
		end
		return
	end
	local before = st.mn_ha_off == nil or ext.off < st.mn_ha_off
	if ext.type == EXT_CVSE and not before then
		el:add_proto_expert_info(ex.placement,
			"CVSE after the MN-HA authentication extension, " ..
			"which must cover it")
	elseif ext.type == EXT_NVSE and before then
		el:add_proto_expert_info(ex.placement,
			"NVSE before the MN-HA authentication extension")
	end
	if ext.type == EXT_NVSE and vtype == 5 and not before and
	   (st.fa_ha_off == nil or ext.off > st.fa_ha_off) then
		-- Between the FA and the HA, covered by the FA-HA
		-- authenticator (protocol.rst 4): never without one.
		el:add_proto_expert_info(ex.placement,
			"SA payload in an NVSE with no FA-HA authentication " ..
			"extension after it, which must cover it")
	end
	if ext.type == EXT_NVSE and vtype ~= 4 and vtype ~= 5 then
		bad(el, vt_names[vtype] .. " found in an NVSE: it travels " ..
			"only in a CVSE")
	end

	if vtype <= 4 then
		dissect_gp(st, vr, el, el, vtype)
	elseif vtype == 5 then
		dissect_sa_payload(st, vr, el, el)
	elseif vtype == 6 or vtype == 7 then
		bad(el, vt_names[vtype] .. " outside an SA payload")
	else
		if ext.type == EXT_CVSE then
			st:once("ke", el, "key-exchange payload")
		end
		if vtype == 8 then
			dissect_ke_group(vr, el, el)
		elseif vtype == 9 then
			dissect_ke_user(vr, el, el)
		else
			dissect_ke_kdc(vr, el, el)
		end
	end
end

-- Walk one Mobile IP message (the TvbRange of the "mip" field).
local function dissect_message(mr, pinfo, root, vendor)
	local len = mr:len()
	if len < 1 then return end
	local mtype = mr:range(0, 1):uint()
	local fixed = (mtype == 1 and 24) or (mtype == 3 and 20) or nil
	if not fixed or len < fixed then return end

	local exts, mn_ha_off, fa_ha_off, off = {}, nil, nil, fixed
	while off < len do
		local t = mr:range(off, 1):uint()
		local hdr = is_long(t) and 4 or 2
		if len - off < hdr then break end
		local elen = hdr == 4 and mr:range(off + 2, 2):uint() or
			mr:range(off + 1, 1):uint()
		if elen > len - off - hdr then break end
		if t == EXT_MN_HA_AUTH and not mn_ha_off then
			mn_ha_off = off
		end
		if t == EXT_FA_HA_AUTH and not fa_ha_off then
			fa_ha_off = off
		end
		local e = { off = off, type = t, hdr = hdr, len = elen }
		if t == EXT_CVSE and elen >= 6 then
			e.vendor = mr:range(off + 4, 4):uint()
			e.vtype = mr:range(off + 8, 2):uint()
			e.voff, e.vlen = off + 10, elen - 6
		elseif t == EXT_NVSE and elen >= 8 then
			e.vendor = mr:range(off + 4, 4):uint()
			e.vtype = mr:range(off + 8, 2):uint()
			e.voff, e.vlen = off + 10, elen - 8
		end
		if e.vendor == vendor then exts[#exts + 1] = e end
		off = off + hdr + elen
	end
	if #exts == 0 then return end

	local tree = root:add(p, mr)
	tree:append_text(string.format(", vendor %d, %d element%s", vendor,
		#exts, #exts == 1 and "" or "s"))
	local st = setmetatable({ seen = {}, n_sealed = { cvse = 0, nvse = 0 },
		mn_ha_off = mn_ha_off, fa_ha_off = fa_ha_off }, State)
	local names = {}
	for _, e in ipairs(exts) do
		local ok, err = pcall(dissect_element, st, mr, e, tree)
		if not ok then
			local it = tree:add(hf.element, mr:range(e.off,
				e.hdr + e.len))
			bad(it, "dissector error: " .. tostring(err))
		end
		local short = vt_short[e.vtype] or ("VT" .. e.vtype)
		if e.vtype >= 1 and e.vtype <= 4 and e.vlen >= 2 and
		   mr:range(e.voff + 1, 1):uint() >= 0x80 then
			short = short .. "*"
		end
		names[#names + 1] = short
	end
	pinfo.cols.info:append(" [mipkex " .. table.concat(names, " ") .. "]")
end

function p.dissector(tvb, pinfo, root)
	local vendor = p.prefs.vendor
	for _, fi in ipairs({ f_mip() }) do
		local ok, err = pcall(dissect_message, fi.range, pinfo, root,
			vendor)
		if not ok then
			root:add(p, fi.range):add_proto_expert_info(
				ex.malformed, "dissector error: " ..
				tostring(err))
		end
	end
end

register_postdissector(p)
