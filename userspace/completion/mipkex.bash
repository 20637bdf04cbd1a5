# SPDX-License-Identifier: GPL-2.0
# bash completion for mipkex(8)

_mipkex()
{
	local cur prev words cword i cmd= ci=0 sub=
	_init_completion || return

	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-*) ;;
		*) cmd=${words[i]}; ci=$i; break ;;
		esac
	done

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '-j --json -p --pretty -h --help -V --version' -- "$cur"))
		else
			COMPREPLY=($(compgen -W 'show set stats selftest key0 peer kdc load showconf genkey decode binding sa monitor help' -- "$cur"))
		fi
		return
	fi
	((ci + 1 < cword)) && sub=${words[ci + 1]}
	case $cmd in
	show)
		if ((cword == ci + 1)); then
			COMPREPLY=($(compgen -W 'bindings sa' -- "$cur"))
		elif [[ $sub == bindings || $sub == sa ]] && ((cword == ci + 3)); then
			COMPREPLY=($(compgen -W 'ha' -- "$cur"))
		fi
		;;
	binding)
		if ((cword == ci + 1)); then
			COMPREPLY=($(compgen -W 'show del' -- "$cur"))
		elif ((cword == ci + 3)); then
			COMPREPLY=($(compgen -W 'ha' -- "$cur"))
		fi
		;;
	sa)
		if ((cword == ci + 1)); then
			COMPREPLY=($(compgen -W 'show' -- "$cur"))
		elif ((cword == ci + 3)); then
			COMPREPLY=($(compgen -W 'ha' -- "$cur"))
		fi
		;;
	set)
		if [[ $prev == set ]]; then
			COMPREPLY=($(compgen -W 'role vendor' -- "$cur"))
		elif [[ $prev == role ]]; then
			COMPREPLY=($(compgen -W 'none mn fa ha' -- "$cur"))
		fi
		;;
	key0 | peer)
		if ((cword == ci + 1)); then
			COMPREPLY=($(compgen -W 'add replace del show flush' -- "$cur"))
			return
		fi
		case $prev in
		key | seed) _filedir ;;
		aead) COMPREPLY=($(compgen -W 'aes-256-gcm chacha20-poly1305' -- "$cur")) ;;
		auth) COMPREPLY=($(compgen -W 'hmac-sha256 hmac-md5' -- "$cur")) ;;
		replay) COMPREPLY=($(compgen -W 'timestamp nonce' -- "$cur")) ;;
		*)
			# after the SPI (key0) or address (peer): option words
			if [[ ($sub == add || $sub == replace) ]] && ((cword >= ci + 3)) &&
				(((cword - ci) % 2 == 1)); then
				if [[ $cmd == key0 ]]; then
					COMPREPLY=($(compgen -W 'nai home ha key aead auth replay window' -- "$cur"))
				else
					COMPREPLY=($(compgen -W 'spi key aead auth' -- "$cur"))
				fi
			fi
			;;
		esac
		;;
	kdc)
		if ((cword == ci + 1)); then
			COMPREPLY=($(compgen -W 'set show' -- "$cur"))
			return
		fi
		[[ $sub == set ]] || return
		case $prev in
		mode) COMPREPLY=($(compgen -W 'stateful semi dh' -- "$cur")) ;;
		seed | user-group) _filedir ;;
		legacy | insecure) COMPREPLY=($(compgen -W 'on off' -- "$cur")) ;;
		sa-mode) COMPREPLY=($(compgen -W 'transport tunnel' -- "$cur")) ;;
		sa-policy) COMPREPLY=($(compgen -W 'none pair tunnel' -- "$cur")) ;;
		groups) COMPREPLY=($(compgen -W 'x25519 modp3072 modp2048 modp1024 modp768' -- "$cur")) ;;
		transforms) COMPREPLY=($(compgen -W 'aes-gcm-128 aes-gcm-256 chacha20-poly1305 hmac-sha256-128 hmac-sha1-96' -- "$cur")) ;;
		*)
			if (((cword - ci) % 2 == 0)); then
				COMPREPLY=($(compgen -W 'mode seed groups min-dh-bits transforms lifetime legacy insecure user-group sa-mode sa-policy' -- "$cur"))
			fi
			;;
		esac
		;;
	load)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '--check' -- "$cur"))
		else
			_filedir
		fi
		;;
	decode)
		# decode [--vendor N] [--keys FILE [--show-keys]]
		#        {hex HEX...|file PATH|pcap PATH}
		if [[ $prev == --vendor ]]; then
			COMPREPLY=()
		elif [[ $prev == --keys ]]; then
			_filedir
		elif [[ $prev == decode || $prev == --show-keys ||
			${words[cword - 2]} == --vendor ||
			${words[cword - 2]} == --keys ]]; then
			COMPREPLY=($(compgen -W 'hex file pcap --vendor --keys --show-keys' -- "$cur"))
		elif [[ $prev == file || $prev == pcap ]]; then
			_filedir
		fi
		;;
	esac
}
complete -F _mipkex mipkex
