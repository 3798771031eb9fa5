#===- RunInstallTest.cmake - the installed package, from outside --*- cmake -*-#
#
# SPDX-License-Identifier: Apache-2.0
#
# cmake -DBUILD_DIR=<rnnc build> -DWORK_DIR=<scratch> -DSOURCE_DIR=<project>
#       [-DEXTRA_C_FLAGS=...] -P RunInstallTest.cmake
#
# Installs the rnnc build into a scratch prefix, configures and builds a
# user project (project/) against it with find_package(rnnc) and
# rnnc_add_model(), runs it, and checks that editing the spec makes the
# next build run rnnc again while an unchanged spec does not.
#
#===------------------------------------------------------------------------===#

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result
                  OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "failed (${result}): ${ARGN}\n${output}")
  endif()
  set(output "${output}" PARENT_SCOPE)
endfunction()

set(prefix ${WORK_DIR}/prefix)
set(project ${WORK_DIR}/project)
set(build ${WORK_DIR}/build)
file(REMOVE_RECURSE ${WORK_DIR})
file(COPY ${SOURCE_DIR}/ DESTINATION ${project})

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(file bin/rnnc bin/rnn-run include/rnnrt/rnnrt.h
             lib/cmake/rnnc/rnncConfig.cmake lib/cmake/rnnc/RnncAddModel.cmake)
  if(NOT EXISTS ${prefix}/${file})
    message(FATAL_ERROR "not installed: ${file}")
  endif()
endforeach()

run(${CMAKE_COMMAND} -G Ninja -S ${project} -B ${build}
    -DCMAKE_PREFIX_PATH=${prefix} "-DCMAKE_C_FLAGS=${EXTRA_C_FLAGS}"
    "-DCMAKE_EXE_LINKER_FLAGS=${EXTRA_C_FLAGS}")
run(${CMAKE_COMMAND} --build ${build})
if(NOT output MATCHES "rnnc: compiling tiny_classifier")
  message(FATAL_ERROR "the first build did not run rnnc:\n${output}")
endif()
run(${build}/consumer)
message(STATUS "consumer: ${output}")
if(NOT output MATCHES "forward 0, loss_and_grad 0, loss [0-9.]+")
  message(FATAL_ERROR "unexpected output: ${output}")
endif()

# Up to date: no rnnc. After an edit of the spec: rnnc again.
run(${CMAKE_COMMAND} --build ${build})
if(output MATCHES "rnnc: compiling")
  message(FATAL_ERROR "an up-to-date build ran rnnc again:\n${output}")
endif()
file(READ ${project}/model.rnn spec)
string(REPLACE "hidden_size=8" "hidden_size=5" spec "${spec}")
file(WRITE ${project}/model.rnn "${spec}")
run(${CMAKE_COMMAND} --build ${build})
if(NOT output MATCHES "rnnc: compiling tiny_classifier")
  message(FATAL_ERROR "editing the spec did not re-run rnnc:\n${output}")
endif()
run(${build}/consumer)
message(STATUS "after the edit: ${output}")
