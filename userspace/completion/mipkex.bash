# SPDX-License-Identifier: GPL-2.0
# bash completion for mipkex(8)

_mipkex()
{
	local cur prev words cword i cmd=
	_init_completion || return

	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-*) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '-j --json -p --pretty -h --help -V --version' -- "$cur"))
		else
			COMPREPLY=($(compgen -W 'show set stats decode help' -- "$cur"))
		fi
		return
	fi
	case $cmd in
	set)
		if [[ $prev == set ]]; then
			COMPREPLY=($(compgen -W 'role' -- "$cur"))
		elif [[ $prev == role ]]; then
			COMPREPLY=($(compgen -W 'none mn fa ha' -- "$cur"))
		fi
		;;
	decode)
		# decode {hex HEX...|file PATH|pcap PATH}
		if [[ $prev == decode || ${words[cword - 2]} == --vendor ]]; then
			COMPREPLY=($(compgen -W 'hex file pcap --vendor' -- "$cur"))
		elif [[ $prev == --vendor ]]; then
			COMPREPLY=()
		elif [[ $prev == file || $prev == pcap ]]; then
			_filedir
		fi
		;;
	esac
}
complete -F _mipkex mipkex
