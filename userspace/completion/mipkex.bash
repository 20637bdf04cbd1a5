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
			COMPREPLY=($(compgen -W 'show set stats help' -- "$cur"))
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
	esac
}
complete -F _mipkex mipkex
