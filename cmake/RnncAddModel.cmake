#===- RnncAddModel.cmake - rnnc_add_model() ---------------------*- cmake -*-===#
#
# SPDX-License-Identifier: Apache-2.0
#
# rnnc_add_model(<target> <spec.rnn> [NAME <name>] [UNROLL <policy>]
#                [TARGET_CPU <cpu>] [OPT_LEVEL <0-3>]
#                [CHECKPOINT_BPTT <k> | TRUNCATE_BPTT <k>] [PARALLEL])
#
# Compiles <spec.rnn> with rnnc at build time (again whenever the spec or
# rnnc changes) and adds the object and its header <name>.h to <target>, the
# way protobuf_generate does. <name> defaults to the spec's file stem. The
# target also links the rnnrt runtime. CHECKPOINT_BPTT and TRUNCATE_BPTT
# choose the backward pass's memory strategy (rnnc --checkpoint-bptt,
# --truncate-bptt; docs/bptt.md). PARALLEL compiles with rnnc --parallel
# (large matrix products on OpenMP threads) and links the target with LLVM's
# OpenMP runtime, libomp (Debian: libomp-dev); OMP_NUM_THREADS sets the
# threads at run time.
#
#===------------------------------------------------------------------------===#

function(rnnc_add_model target spec)
  cmake_parse_arguments(
    ARG "PARALLEL" "NAME;UNROLL;TARGET_CPU;OPT_LEVEL;CHECKPOINT_BPTT;TRUNCATE_BPTT"
    ""
    ${ARGN})
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "rnnc_add_model: unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  get_filename_component(spec "${spec}" ABSOLUTE)
  if(NOT ARG_NAME)
    get_filename_component(ARG_NAME "${spec}" NAME_WE)
  endif()

  # In the rnnc build tree the rnnc target exists; an installed package sets
  # RNNC_EXECUTABLE.
  if(TARGET rnnc)
    set(compiler $<TARGET_FILE:rnnc>)
    set(compiler_dep rnnc)
  elseif(RNNC_EXECUTABLE)
    set(compiler ${RNNC_EXECUTABLE})
    set(compiler_dep ${RNNC_EXECUTABLE})
  else()
    message(FATAL_ERROR "rnnc_add_model: no rnnc (find_package(rnnc) first)")
  endif()

  set(flags)
  if(ARG_UNROLL)
    list(APPEND flags --unroll=${ARG_UNROLL})
  endif()
  if(ARG_TARGET_CPU)
    list(APPEND flags --target-cpu=${ARG_TARGET_CPU})
  endif()
  if(DEFINED ARG_OPT_LEVEL)
    list(APPEND flags -O${ARG_OPT_LEVEL})
  endif()
  if(ARG_CHECKPOINT_BPTT)
    list(APPEND flags --checkpoint-bptt=${ARG_CHECKPOINT_BPTT})
  endif()
  if(ARG_TRUNCATE_BPTT)
    list(APPEND flags --truncate-bptt=${ARG_TRUNCATE_BPTT})
  endif()
  if(ARG_PARALLEL)
    list(APPEND flags --parallel)
    # The generated code calls libomp's __kmpc_* entry points, which GCC's
    # libgomp does not have; Debian names the library libomp5.so.
    find_library(RNNC_OPENMP_LIBRARY NAMES omp omp5
                 HINTS /usr/lib/llvm-14/lib
                 DOC "LLVM's OpenMP runtime for rnnc --parallel models")
    if(NOT RNNC_OPENMP_LIBRARY)
      message(FATAL_ERROR "rnnc_add_model(${target} PARALLEL): LLVM's OpenMP "
                          "runtime (libomp) not found; apt-get install libomp-dev")
    endif()
  endif()

  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/rnnc_models/${target})
  set(object ${out_dir}/${ARG_NAME}.o)
  set(header ${out_dir}/${ARG_NAME}.h)
  add_custom_command(
    OUTPUT ${object} ${header}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
    COMMAND ${compiler} ${spec} -o ${object} --header-output ${header} ${flags}
    DEPENDS ${spec} ${compiler_dep}
    COMMENT "rnnc: compiling ${ARG_NAME} from ${spec}"
    VERBATIM)
  set_source_files_properties(${object} PROPERTIES EXTERNAL_OBJECT TRUE
                                                   GENERATED TRUE)
  target_sources(${target} PRIVATE ${object} ${header})
  target_include_directories(${target} PRIVATE ${out_dir})
  if(TARGET rnnc::rnnrt)
    target_link_libraries(${target} PRIVATE rnnc::rnnrt)
  elseif(TARGET rnnrt)
    target_link_libraries(${target} PRIVATE rnnrt)
  endif()
  if(ARG_PARALLEL)
    target_link_libraries(${target} PRIVATE ${RNNC_OPENMP_LIBRARY})
  endif()
  # Generated code may call libm (fmaf where the target CPU has no FMA).
  if(UNIX)
    target_link_libraries(${target} PRIVATE m)
  endif()
endfunction()
